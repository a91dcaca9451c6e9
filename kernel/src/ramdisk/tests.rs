// SPDX-License-Identifier: MIT OR Apache-2.0
//! Tests of the ramdisk: GNU cpio fixtures, hand-built bad archives, fuzz.
//!
//! Fixtures in `ramdisk/testdata/`, made with GNU cpio 2.13 from this tree
//! (`init` 21 bytes and `bin/hello` 13 bytes, both mode 755; `bin/hi` a
//! symlink to `hello`; `etc/empty` 0 bytes; `etc/motd` 5 bytes with a hard
//! link `etc/motd.link`; everything else 644 or 755):
//! ```sh
//! mkdir -p tree/bin tree/etc && cd tree
//! printf '#!/bin/sh\necho hello\n' > init && chmod 755 init
//! printf 'hello, world\n' > bin/hello && chmod 755 bin/hello
//! ln -s hello bin/hi && : > etc/empty && printf 'motd\n' > etc/motd
//! ln etc/motd etc/motd.link && chmod 644 etc/*
//! touch -h -d @1700000000 init bin/hello bin/hi etc/* bin etc .
//! find . | sort | cpio -o -H newc --owner=0:0 --reproducible > tree-newc.cpio
//! find bin etc init | sort | cpio -o -H crc --owner=0:0 --reproducible > tree-crc.cpio
//! ```
//! GNU cpio drops the `./` of `find .`, so `tree-newc.cpio` names `.`,
//! `bin`, ... and `tree-crc.cpio` has no root entry. It writes the data of
//! `etc/motd` only with its last link, `etc/motd.link` (`c_nlink` 2 on
//! both), and a `crc` checksum of 0 for the symlink. Names with `./` or `/`
//! in front, which other tools write, are tested with hand-built archives.

use alloc::string::String;
use alloc::vec::Vec;

use super::*;
use crate::test_random::XorShift;

static NEWC: &[u8] = include_bytes!("testdata/tree-newc.cpio");
static CRC: &[u8] = include_bytes!("testdata/tree-crc.cpio");

/// Modification time of every fixture entry.
const FIXTURE_MTIME: u32 = 1_700_000_000;

/// Header field positions, as in `cpio(5)`.
const INODE: usize = 0;
const MODE: usize = 1;
const NLINK: usize = 4;
const FILESIZE: usize = 6;
const NAMESIZE: usize = 11;
const CHECK: usize = 12;

/// Builds archives record by record, including ones cpio would never write.
#[derive(Default)]
struct Archive {
    bytes: Vec<u8>,
    next_inode: u32,
}

impl Archive {
    /// A record with every field given; `name` is written as is (add the
    /// NUL yourself), then padding, the data and padding.
    fn raw(&mut self, magic: &str, fields: [u32; 13], name: &[u8], data: &[u8]) -> &mut Self {
        self.bytes.extend_from_slice(magic.as_bytes());
        for field in fields {
            self.bytes
                .extend_from_slice(alloc::format!("{field:08X}").as_bytes());
        }
        self.bytes.extend_from_slice(name);
        self.pad();
        self.bytes.extend_from_slice(data);
        self.pad();
        self
    }
    fn pad(&mut self) {
        let padded = self.bytes.len().next_multiple_of(4);
        self.bytes.resize(padded, 0);
    }
    /// A well-formed record of either format, with `nlink` links.
    fn record(&mut self, magic: &str, name: &str, mode: u32, data: &[u8], nlink: u32) -> &mut Self {
        self.next_inode += 1;
        let sum = data.iter().map(|&byte| u32::from(byte)).sum();
        let check = if magic == "070702" && mode & S_IFMT == S_IFREG {
            sum
        } else {
            0
        };
        let mut fields = [0; 13];
        fields[INODE] = self.next_inode;
        fields[MODE] = mode;
        fields[NLINK] = nlink;
        fields[FILESIZE] = data.len() as u32;
        fields[NAMESIZE] = name.len() as u32 + 1;
        fields[CHECK] = check;
        let name = [name.as_bytes(), b"\0"].concat();
        self.raw(magic, fields, &name, data)
    }
    fn file(&mut self, name: &str, data: &[u8]) -> &mut Self {
        self.record("070701", name, S_IFREG | 0o644, data, 1)
    }
    fn directory(&mut self, name: &str) -> &mut Self {
        self.record("070701", name, S_IFDIR | 0o755, &[], 2)
    }
    fn symlink(&mut self, name: &str, target: &str) -> &mut Self {
        self.record("070701", name, S_IFLNK | 0o777, target.as_bytes(), 1)
    }
    /// The archive so far, with a trailer.
    fn finish(&mut self) -> Vec<u8> {
        self.record("070701", TRAILER, 0, &[], 1);
        core::mem::take(&mut self.bytes)
    }
}

/// Parses `bytes`, which must be accepted.
fn parse(bytes: &[u8]) -> Ramdisk<'_> {
    Ramdisk::parse(bytes).unwrap_or_else(|error| panic!("{error}"))
}

/// The reason `bytes` is refused, and where.
fn refusal(bytes: &[u8]) -> (usize, Reason) {
    let error = Ramdisk::parse(bytes).expect_err("archive accepted");
    (error.offset, error.reason)
}

/// The paths of an iterator of entries.
fn paths<'a>(entries: impl Iterator<Item = Entry<'a>>) -> Vec<&'a str> {
    entries.map(|entry| entry.path).collect()
}

/// The fixture's contents, common to both formats.
fn check_fixture_tree(ramdisk: &Ramdisk<'_>) {
    let expected = [
        "",
        "bin",
        "bin/hello",
        "bin/hi",
        "etc",
        "etc/empty",
        "etc/motd",
        "etc/motd.link",
        "init",
    ];
    assert_eq!(paths(ramdisk.entries()), expected);
    let init = ramdisk.lookup("/init").unwrap();
    assert_eq!(init.data, b"#!/bin/sh\necho hello\n");
    assert_eq!(init.mode, S_IFREG | 0o755);
    assert!(init.is_regular() && init.is_executable());
    assert_eq!(
        (init.uid, init.gid, init.nlink, init.mtime),
        (0, 0, 1, FIXTURE_MTIME)
    );
    let hello = ramdisk.lookup("bin/hello").unwrap();
    assert_eq!(
        (hello.data, hello.name()),
        (&b"hello, world\n"[..], "hello")
    );
    let link = ramdisk.lookup("/bin/hi").unwrap();
    assert!(link.is_symlink() && !link.is_regular());
    assert_eq!(link.link_target(), Some("hello"));
    let empty = ramdisk.lookup("/etc/empty").unwrap();
    assert!(empty.data.is_empty() && empty.is_regular() && !empty.is_executable());
    assert_eq!(empty.mode, S_IFREG | 0o644);
    // Both names of the hard link read the data GNU cpio stored once.
    for name in ["/etc/motd", "/etc/motd.link"] {
        let motd = ramdisk.lookup(name).unwrap();
        assert_eq!((motd.data, motd.nlink), (&b"motd\n"[..], 2));
    }
    let etc = ramdisk.lookup("/etc").unwrap();
    assert!(etc.is_directory() && etc.is_executable());
    assert_eq!(etc.mode, S_IFDIR | 0o755);
    assert_eq!(etc.mtime, FIXTURE_MTIME);
    assert!(ramdisk.lookup("/").unwrap().is_directory());
}

#[test]
fn reads_gnu_cpio_newc() {
    let ramdisk = parse(NEWC);
    check_fixture_tree(&ramdisk);
    // `.` is stored: the root keeps its own inode and time.
    let root = ramdisk.lookup("/").unwrap();
    assert_eq!((root.path, root.inode, root.mtime), ("", 0, FIXTURE_MTIME));
}

#[test]
fn reads_gnu_cpio_crc() {
    let ramdisk = parse(CRC);
    check_fixture_tree(&ramdisk);
    // No `.` in this archive: the root is implied, numbered after the rest.
    let root = ramdisk.lookup("").unwrap();
    let highest = ramdisk.entries().skip(1).map(|entry| entry.inode).max();
    assert_eq!(Some(root.inode), highest.map(|inode| inode + 1));
    assert_eq!((root.mode, root.mtime), (IMPLIED_DIRECTORY_MODE, 0));
}

#[test]
fn lookup_normalises_paths() {
    let ramdisk = parse(NEWC);
    let hello = ramdisk.lookup("bin/hello").unwrap();
    for spelling in [
        "/bin/hello",
        "//bin///hello",
        "./bin/./hello",
        "/etc/../bin/hello",
        "/../../bin/hello",
        "bin/hello/",
    ] {
        assert_eq!(ramdisk.lookup(spelling), Some(hello), "{spelling}");
    }
    for root in ["", "/", ".", "/..", "bin/.."] {
        assert_eq!(
            ramdisk.lookup(root).map(|entry| entry.path),
            Some(""),
            "{root}"
        );
    }
    for missing in ["/bin/hell", "/bin/hello/x", "/hello", "bin/hello.", "/sbin"] {
        assert_eq!(ramdisk.lookup(missing), None, "{missing}");
    }
    // `lookup` does not follow symlinks.
    assert!(ramdisk.lookup("/bin/hi").unwrap().is_symlink());
    assert_eq!(ramdisk.lookup("/bin/hi/x"), None);
}

#[test]
fn accepts_names_with_dot_slash_or_slash_in_front() {
    let archive = Archive::default()
        .directory("./")
        .directory("./bin")
        .file("./bin/hello", b"hi")
        .file("/init", b"#!")
        .directory("/etc/")
        .file(".//etc/passwd", b"root")
        .finish();
    let ramdisk = parse(&archive);
    let expected = ["", "bin", "bin/hello", "etc", "etc/passwd", "init"];
    assert_eq!(paths(ramdisk.entries()), expected);
    assert_eq!(ramdisk.lookup("/bin/hello").unwrap().data, b"hi");
    assert_eq!(ramdisk.lookup("init").unwrap().data, b"#!");
    assert_eq!(ramdisk.lookup("./etc/passwd").unwrap().data, b"root");
}

#[test]
fn lists_the_children_of_a_directory() {
    let ramdisk = parse(NEWC);
    let names = |path| paths(ramdisk.children(path).unwrap());
    assert_eq!(names("/"), ["bin", "etc", "init"]);
    assert_eq!(names("bin"), ["bin/hello", "bin/hi"]);
    assert_eq!(names("/etc/"), ["etc/empty", "etc/motd", "etc/motd.link"]);
    assert!(ramdisk.children("/init").is_none());
    assert!(ramdisk.children("/bin/hi").is_none());
    assert!(ramdisk.children("/nothing").is_none());
}

#[test]
fn children_skip_grandchildren_and_sort_by_component() {
    // In plain byte order `a!` would sit between `a` and `a/z`.
    let archive = Archive::default()
        .file("a!", b"")
        .file("a/z", b"")
        .file("a/b/c/d", b"")
        .file("a/b/e", b"")
        .file("a/c", b"")
        .file("b", b"")
        .finish();
    let ramdisk = parse(&archive);
    let root = ["a", "a!", "b"];
    assert_eq!(paths(ramdisk.children("").unwrap()), root);
    assert_eq!(paths(ramdisk.children("a").unwrap()), ["a/b", "a/c", "a/z"]);
    assert_eq!(paths(ramdisk.children("a/b").unwrap()), ["a/b/c", "a/b/e"]);
    assert_eq!(paths(ramdisk.children("a/b/c").unwrap()), ["a/b/c/d"]);
    assert_eq!(ramdisk.children("a/b/c/d").map(Iterator::count), None);
}

#[test]
fn implies_directories_that_are_not_stored() {
    let archive = Archive::default().file("bin/hello", b"x").finish();
    let ramdisk = parse(&archive);
    assert_eq!(paths(ramdisk.entries()), ["", "bin", "bin/hello"]);
    let bin = ramdisk.lookup("/bin").unwrap();
    assert_eq!(
        (bin.mode, bin.nlink, bin.data),
        (IMPLIED_DIRECTORY_MODE, 2, &[][..])
    );
    assert!(bin.is_directory());
    assert_eq!(paths(ramdisk.children("/").unwrap()), ["bin"]);
    assert_eq!(paths(ramdisk.children("/bin").unwrap()), ["bin/hello"]);
    // Implied entries have inode numbers of their own.
    let mut inodes: Vec<u32> = ramdisk.entries().map(|entry| entry.inode).collect();
    inodes.sort_unstable();
    inodes.dedup();
    assert_eq!(inodes.len(), 3);
}

#[test]
fn an_archive_with_only_a_trailer_is_an_empty_root() {
    let archive = Archive::default().finish();
    let ramdisk = parse(&archive);
    assert_eq!(paths(ramdisk.entries()), [""]);
    assert_eq!(ramdisk.children("/").unwrap().count(), 0);
}

#[test]
fn the_later_of_two_records_with_one_name_wins() {
    let archive = Archive::default()
        .file("init", b"old")
        .file("./init", b"new")
        .finish();
    let ramdisk = parse(&archive);
    assert_eq!(paths(ramdisk.entries()), ["", "init"]);
    assert_eq!(ramdisk.lookup("/init").unwrap().data, b"new");
}

#[test]
fn hard_links_without_any_data_stay_empty() {
    let mut archive = Archive::default();
    archive.record("070701", "a", S_IFREG | 0o644, b"", 2);
    archive.next_inode -= 1; // the same file
    archive.record("070701", "b", S_IFREG | 0o644, b"", 2);
    let archive = archive.finish();
    let ramdisk = parse(&archive);
    assert!(ramdisk.lookup("a").unwrap().data.is_empty());
    assert!(ramdisk.lookup("b").unwrap().data.is_empty());
}

#[test]
fn resolve_follows_symlinks() {
    let archive = Archive::default()
        .file("usr/bin/busybox", b"BB")
        .symlink("bin", "usr/bin")
        .symlink("usr/bin/sh", "busybox")
        .symlink("usr/lib", "/usr/bin/")
        .symlink("sh", "./bin/sh")
        .symlink("up", "usr/bin/..")
        .finish();
    let ramdisk = parse(&archive);
    let busybox = ramdisk.lookup("usr/bin/busybox").unwrap();
    for path in [
        "/bin/sh",
        "sh",
        "/usr/lib/sh",
        "/bin/../bin/busybox",
        "up/bin/sh",
    ] {
        assert_eq!(ramdisk.resolve(path, Follow::All), Ok(busybox), "{path}");
    }
    // `..` goes up from where the link led, not from the link.
    let usr = ramdisk.lookup("usr").unwrap();
    assert_eq!(ramdisk.resolve("/bin/..", Follow::All), Ok(usr));
    // Without following the last component, the link itself.
    let sh = ramdisk.resolve("/bin/sh", Follow::AllButLast).unwrap();
    assert_eq!((sh.path, sh.link_target()), ("usr/bin/sh", Some("busybox")));
    let bin = ramdisk.resolve("/bin", Follow::AllButLast).unwrap();
    assert!(bin.is_symlink());
    // A trailing slash follows it all the same.
    let directory = ramdisk.resolve("/bin/", Follow::AllButLast).unwrap();
    assert_eq!(directory.path, "usr/bin");
    assert_eq!(ramdisk.resolve("/", Follow::All).unwrap().path, "");
}

#[test]
fn resolve_reports_why_it_failed() {
    let archive = Archive::default()
        .file("file", b"")
        .symlink("loop", "loop")
        .symlink("ping", "pong")
        .symlink("pong", "/ping")
        .symlink("dangling", "nowhere")
        .finish();
    let ramdisk = parse(&archive);
    let resolve = |path| ramdisk.resolve(path, Follow::All);
    assert_eq!(resolve("/nothing"), Err(LookupError::NotFound));
    assert_eq!(resolve("/dangling"), Err(LookupError::NotFound));
    assert_eq!(resolve("/file/x"), Err(LookupError::NotADirectory));
    assert_eq!(resolve("/file/"), Err(LookupError::NotADirectory));
    assert_eq!(resolve("/loop"), Err(LookupError::TooManySymlinks));
    assert_eq!(resolve("/ping/x"), Err(LookupError::TooManySymlinks));
    assert!(ramdisk.resolve("/loop", Follow::AllButLast).is_ok());
}

#[test]
fn resolve_follows_at_most_eight_links() {
    let mut archive = Archive::default();
    archive.file("target", b"!");
    let names: Vec<String> = (0..=MAX_SYMLINK_DEPTH)
        .map(|n| alloc::format!("l{n}"))
        .collect();
    archive.symlink(&names[0], "target");
    for pair in names.windows(2) {
        archive.symlink(&pair[1], &pair[0]);
    }
    let archive = archive.finish();
    let ramdisk = parse(&archive);
    assert_eq!(ramdisk.resolve("l7", Follow::All).unwrap().data, b"!");
    assert_eq!(
        ramdisk.resolve("l8", Follow::All),
        Err(LookupError::TooManySymlinks)
    );
}

#[test]
fn canonical_names() {
    use super::index::canonical;
    let good = [
        (".", ""),
        ("./", ""),
        ("/", ""),
        ("", ""),
        ("./.", ""),
        ("init", "init"),
        ("./bin/sh", "bin/sh"),
        ("/bin/sh", "bin/sh"),
        (".//./bin/", "bin"),
        ("..a/b.", "..a/b."),
    ];
    for (name, path) in good {
        assert_eq!(canonical(name), Some(path), "{name}");
    }
    for name in ["..", "../x", "a//b", "a/./b", "a/../b", "a/.", "a/.."] {
        assert_eq!(canonical(name), None, "{name}");
    }
}

// ---- Refused archives: one test for each reason. ----

/// Offset of the second record of an archive whose first is `name` with
/// `data`, both padded.
fn second_record(name: &str, data: usize) -> usize {
    (HEADER_SIZE + name.len() + 1).next_multiple_of(4) + data.next_multiple_of(4)
}

/// Overwrites field `index` of the header at `offset`.
fn set_field(bytes: &mut [u8], offset: usize, index: usize, text: &[u8; 8]) {
    let at = offset + 6 + index * 8;
    bytes[at..at + 8].copy_from_slice(text);
}

#[test]
fn refuses_bad_magic() {
    let mut archive = Archive::default().file("a", b"x").finish();
    assert_eq!(refusal(&archive[..0]), (0, Reason::MissingTrailer));
    archive[5] = b'7'; // 070707 is the old portable format
    assert_eq!(refusal(&archive), (0, Reason::BadMagic));
    let zeros = [0; 512];
    assert_eq!(refusal(&zeros), (0, Reason::BadMagic));
    let mut archive = Archive::default().file("a", b"x").finish();
    let second = second_record("a", 1);
    archive[second] = b'1';
    assert_eq!(refusal(&archive), (second, Reason::BadMagic));
}

#[test]
fn refuses_a_truncated_header() {
    let archive = Archive::default().file("abc", b"1234").finish();
    let second = second_record("abc", 4);
    assert_eq!(
        refusal(&archive[..second + 50]),
        (second, Reason::TruncatedHeader(50))
    );
    assert_eq!(refusal(&archive[..109]), (0, Reason::TruncatedHeader(109)));
}

#[test]
fn refuses_fields_that_are_not_hex() {
    for (index, name) in [
        (INODE, "c_ino"),
        (FILESIZE, "c_filesize"),
        (CHECK, "c_check"),
    ] {
        for text in [b"0000000g", b"+0000001", b" 0000001", b"0x000001"] {
            let mut archive = Archive::default().file("a", b"x").finish();
            set_field(&mut archive, 0, index, text);
            assert_eq!(refusal(&archive), (0, Reason::BadField(name)));
        }
    }
    // Lower-case hex is fine (GNU cpio writes upper case, others do not).
    let mut archive = Archive::default().file("a", b"x").finish();
    set_field(&mut archive, 0, MODE, b"000081ed");
    assert_eq!(parse(&archive).lookup("a").unwrap().mode, S_IFREG | 0o755);
}

#[test]
fn refuses_bad_name_sizes() {
    let mut archive = Archive::default().file("a", b"x").finish();
    set_field(&mut archive, 0, NAMESIZE, b"00000000");
    assert_eq!(refusal(&archive), (0, Reason::NameSize(0)));
    set_field(&mut archive, 0, NAMESIZE, b"00001001");
    assert_eq!(refusal(&archive), (0, Reason::NameSize(4097)));
    set_field(&mut archive, 0, NAMESIZE, b"FFFFFFFF");
    assert_eq!(refusal(&archive), (0, Reason::NameSize(0xFFFF_FFFF)));
}

#[test]
fn refuses_a_name_past_the_end() {
    let archive = Archive::default().file("a-long-name", b"").finish();
    assert_eq!(
        refusal(&archive[..HEADER_SIZE + 5]),
        (0, Reason::NamePastEnd)
    );
    let mut archive = Archive::default().file("a", b"").finish();
    let len = archive.len();
    set_field(&mut archive, 0, NAMESIZE, b"00001000");
    assert!(len < HEADER_SIZE + 0x1000);
    assert_eq!(refusal(&archive), (0, Reason::NamePastEnd));
}

#[test]
fn refuses_names_without_their_nul_or_with_one_inside() {
    let mut archive = Archive::default();
    archive.raw("070701", name_fields(3), b"abc", b"");
    assert_eq!(refusal(&archive.finish()), (0, Reason::NameNotTerminated));
    let mut archive = Archive::default();
    archive.raw("070701", name_fields(4), b"a\0b\0", b"");
    assert_eq!(refusal(&archive.finish()), (0, Reason::NameHasNul));
    let mut archive = Archive::default();
    archive.raw("070701", name_fields(3), b"\xFF\xFE\0", b"");
    assert_eq!(refusal(&archive.finish()), (0, Reason::NameNotUtf8));
}

/// Fields of an empty regular file with a `size`-byte name.
fn name_fields(size: u32) -> [u32; 13] {
    let mut fields = [0; 13];
    fields[MODE] = S_IFREG | 0o644;
    fields[NLINK] = 1;
    fields[NAMESIZE] = size;
    fields
}

#[test]
fn refuses_names_that_are_not_plain_paths() {
    for name in ["a//b", "../etc/passwd", "bin/./sh", "bin/.."] {
        let archive = Archive::default().file("ok", b"").file(name, b"").finish();
        let second = second_record("ok", 0);
        assert_eq!(refusal(&archive), (second, Reason::BadName), "{name}");
    }
}

#[test]
fn refuses_data_past_the_end() {
    let archive = Archive::default().file("a", b"12345").finish();
    let data_end = second_record("a", 5) - 3;
    assert_eq!(
        refusal(&archive[..data_end - 1]),
        (0, Reason::DataPastEnd(5))
    );
    // All the data but not the padding after it: the trailer is missing.
    let second = second_record("a", 5);
    assert_eq!(
        refusal(&archive[..data_end]),
        (second, Reason::MissingTrailer)
    );
    for (text, size) in [(b"FFFFFFFF", u32::MAX), (b"7FFFFFFF", 0x7FFF_FFFF)] {
        let mut archive = archive.clone();
        set_field(&mut archive, 0, FILESIZE, text);
        assert_eq!(refusal(&archive), (0, Reason::DataPastEnd(size)));
    }
}

#[test]
fn checks_crc_sums_of_regular_files_only() {
    let mut archive = Archive::default();
    archive.record("070702", "file", S_IFREG | 0o644, b"\xFF\x01abc", 1);
    archive.record("070702", "link", S_IFLNK | 0o777, b"file", 1);
    let mut archive = archive.finish();
    assert!(Ramdisk::parse(&archive).is_ok());
    set_field(&mut archive, 0, CHECK, b"00000001");
    let sum = 0xFF + 0x01 + u32::from(b'a') + u32::from(b'b') + u32::from(b'c');
    let mismatch = Reason::ChecksumMismatch {
        expected: 1,
        actual: sum,
    };
    assert_eq!(refusal(&archive), (0, mismatch));
    // The same sum in a newc header is not checked.
    archive[5] = b'1';
    assert!(Ramdisk::parse(&archive).is_ok());
}

#[test]
fn refuses_bad_symlink_targets() {
    let long = "x".repeat(MAX_NAME_SIZE);
    for target in [&b""[..], b"a\0b", b"\xC0", long.as_bytes()] {
        let mut archive = Archive::default();
        archive.record("070701", "link", S_IFLNK | 0o777, target, 1);
        assert_eq!(refusal(&archive.finish()), (0, Reason::BadSymlinkTarget));
    }
}

#[test]
fn refuses_entries_below_a_non_directory() {
    let archive = Archive::default().file("a", b"").file("a/b", b"").finish();
    let second = second_record("a", 0);
    assert_eq!(refusal(&archive), (second, Reason::ParentNotDirectory));
    let archive = Archive::default()
        .symlink("a", "b")
        .file("a/b/c", b"")
        .finish();
    let second = second_record("a", 1);
    assert_eq!(refusal(&archive), (second, Reason::ParentNotDirectory));
    // The root too must be a directory.
    let archive = Archive::default().file(".", b"").file("x", b"").finish();
    let second = second_record(".", 0);
    assert_eq!(refusal(&archive), (second, Reason::ParentNotDirectory));
}

#[test]
fn refuses_an_archive_without_a_trailer() {
    let mut archive = Archive::default();
    archive.file("a", b"xyz");
    let bytes = archive.bytes.clone();
    assert_eq!(refusal(&bytes), (bytes.len(), Reason::MissingTrailer));
    // GNU cpio pads to 512 bytes after the trailer: that is ignored.
    let mut padded = archive.finish();
    padded.resize(512, 0);
    assert!(Ramdisk::parse(&padded).is_ok());
}

#[test]
fn refuses_too_many_entries() {
    use super::index::build;
    // The limit counts implied directories and the root too.
    let archive = Archive::default().file("a/b", b"").file("c", b"").finish();
    assert_eq!(build(&archive, 4).map(|index| index.len()), Ok(4));
    let second = second_record("a/b", 0);
    let error = RamdiskError {
        offset: second,
        reason: Reason::TooManyEntries,
    };
    assert_eq!(build(&archive, 3), Err(error));
    // And records before any are indexed, at the real limit. One record
    // copied, each with its own five-digit name: `format!` is slow here.
    let record = Archive::default().file("00000", b"").bytes.clone();
    let mut bytes = Vec::with_capacity(record.len() * (MAX_ENTRIES + 2));
    for n in 0..=MAX_ENTRIES {
        bytes.extend_from_slice(&record);
        let name = bytes.len() - record.len() + HEADER_SIZE;
        for (digit, shift) in bytes[name..name + 5].iter_mut().zip([16, 12, 8, 4, 0]) {
            *digit = b"0123456789abcdef"[(n >> shift) & 0xF];
        }
    }
    bytes.extend_from_slice(&Archive::default().finish());
    let error = RamdiskError {
        offset: record.len() * MAX_ENTRIES,
        reason: Reason::TooManyEntries,
    };
    assert_eq!(Ramdisk::parse(&bytes).err(), Some(error));
}

#[test]
fn errors_name_the_offset_and_reason() {
    let error = RamdiskError {
        offset: 228,
        reason: Reason::ChecksumMismatch {
            expected: 1,
            actual: 0x1d2,
        },
    };
    assert_eq!(
        error.to_string(),
        "bad ramdisk at byte 228: crc checksum is 0x000001d2, header says 0x00000001"
    );
    let error = RamdiskError {
        offset: 0,
        reason: Reason::BadField("c_mode"),
    };
    assert_eq!(
        error.to_string(),
        "bad ramdisk at byte 0: c_mode is not 8 hex digits"
    );
    let error = RamdiskError {
        offset: 12,
        reason: Reason::MissingTrailer,
    };
    assert_eq!(
        error.to_string(),
        "bad ramdisk at byte 12: archive ends without TRAILER!!!"
    );
}

// ---- Fuzzing: random damage never panics. ----

/// Damages `bytes` a few times: random bytes, hex digits (so headers stay
/// readable and the damage reaches sizes and names), `/` and `.` in names,
/// and truncation.
fn mutate(random: &mut XorShift, bytes: &mut Vec<u8>) {
    const ALPHABET: &[u8] = b"0123456789ABCDEFfF7/.\0";
    for _ in 0..=random.below(4) {
        if bytes.is_empty() {
            return;
        }
        let at = random.below(bytes.len());
        match random.below(8) {
            0..=2 => bytes[at] = ALPHABET[random.below(ALPHABET.len())],
            3..=5 => bytes[at] = random.next() as u8,
            6 => bytes.truncate(at),
            _ => _ = bytes.remove(at),
        }
    }
}

/// Everything a parsed ramdisk can be asked, which must not panic either;
/// every entry must borrow from `bytes` (or be an implied one's `""`).
fn exercise(bytes: &[u8], ramdisk: &Ramdisk<'_>) {
    let inside = |slice: &[u8]| {
        let range = bytes.as_ptr_range();
        let (start, end) = (slice.as_ptr(), slice.as_ptr().wrapping_add(slice.len()));
        slice.is_empty() || (range.start <= start && end <= range.end)
    };
    for entry in ramdisk.entries() {
        assert!(
            inside(entry.data) && inside(entry.path.as_bytes()),
            "{entry:?}"
        );
        _ = ramdisk.lookup(entry.path);
        _ = ramdisk.resolve(entry.path, Follow::All);
        _ = ramdisk.resolve(entry.path, Follow::AllButLast);
        if let Some(children) = ramdisk.children(entry.path) {
            assert!(children.count() < ramdisk.entries().len());
        }
    }
}

#[test]
fn damaged_archives_never_panic() {
    let mut random = XorShift(0x2545_F491);
    let extra = Archive::default()
        .directory("./d")
        .symlink("d/up", "..")
        .symlink("d/loop", "/d/loop")
        .file("d/f", b"data")
        .finish();
    let fixtures = [NEWC, CRC, &extra];
    let mut accepted = 0;
    for round in 0..12000 {
        let mut bytes = fixtures[round % fixtures.len()].to_vec();
        mutate(&mut random, &mut bytes);
        if let Ok(ramdisk) = Ramdisk::parse(&bytes) {
            accepted += 1;
            exercise(&bytes, &ramdisk);
        }
    }
    // Most damage lands in data or padding, which is still a valid archive.
    assert!(
        accepted > 100,
        "only {accepted} accepted: the mutations are too rough"
    );
}

#[test]
fn every_truncation_is_refused_until_the_trailer() {
    for fixture in [NEWC, CRC] {
        let ramdisk_end = fixture.len() - fixture.iter().rev().take_while(|&&b| b == 0).count();
        for length in 0..fixture.len() {
            let result = Ramdisk::parse(&fixture[..length]);
            // The trailer's name ends at `ramdisk_end` (its NUL, then zeros).
            assert_eq!(result.is_ok(), length > ramdisk_end, "length {length}");
        }
    }
}
