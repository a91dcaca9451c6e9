# File applets on the (read-only) ramdisk. Run by tests/busybox/files*.test.
echo "files: start"
echo "files: ls $(ls /scripts | tr '\n' ' ')"
echo "files: lines $(wc -l < /scripts/data.txt)"
head -n 2 /scripts/data.txt
tail -n 1 /scripts/data.txt
grep -n cherry /scripts/data.txt
cut -d, -f1 /scripts/data.txt | sort | uniq -c | sort -rn | head -n 1
sort -t, -k3 -n /scripts/data.txt | tail -n 1
md5sum /scripts/data.txt
sha256sum /scripts/data.txt
find /scripts -name 'd*'
stat -c 'files: stat %s bytes, %F' /scripts/data.txt
cat /scripts/data.txt | sed -n 's/^banana,\(.*\),.*/files: sed \1/p'
awk -F, '{ total += $3 } END { print "files: awk total " total }' /scripts/data.txt
echo "files: basename $(basename /scripts/data.txt .txt) dirname $(dirname /scripts/data.txt)"
ls -l /bin/sh | sed 's/.* -> /files: link -> /'
od -A d -t x1 -N 4 /scripts/data.txt | head -n 1
cat /no/such/file 2>/dev/null || echo "files: missing file status $?"
echo "files: done"
