# The shell itself: loops, arithmetic, functions, pipes, substitutions,
# subshells, here-documents, a background job. Run by tests/busybox/shell*.test.
echo "shell: start"
i=0
sum=0
while [ $i -lt 10 ]; do
    sum=$((sum + i * i))
    i=$((i + 1))
done
echo "shell: sum of squares $sum"
fact() {
    if [ "$1" -le 1 ]; then echo 1; else echo $(($1 * $(fact $(($1 - 1))))); fi
}
echo "shell: 10! = $(fact 10)"
echo "shell: sorted $(for word in alpha beta gamma; do echo $word; done | sort -r | tr '\n' ' ')"
echo "shell: words $(echo one two three | wc -w)"
echo "shell: sevens $(seq 1 100 | grep -c 7)"
case "$(seq 1 100 | grep -c 7)" in
19) echo "shell: case ok" ;;
*) echo "shell: case wrong" ;;
esac
(exit 3)
echo "shell: subshell status $?"
tr a-z A-Z <<END
shell: here-document
END
sleep 0.1 &
wait $!
echo "shell: background status $?"
false || echo "shell: or-list ok"
x=$(printf '%s' "a b" | wc -c)
echo "shell: bytes $x"
echo "shell: pid $$ parent $PPID"
echo "shell: done"
