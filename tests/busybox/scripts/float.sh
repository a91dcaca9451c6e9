# Applets that format floating point (hard-float VFP code in glibc and
# busybox). Run by tests/busybox/float*.test.
echo "float: start"
awk 'BEGIN { x = 0; for (i = 1; i <= 2000; i++) x += 1 / (i * i); printf "float: basel %.6f\n", x }'
awk 'BEGIN { printf "float: awk %.4f %d %.2e\n", 22 / 7, 7 / 2 * 4, 1 / 3 }'
printf 'float: printf %.3f %e %g\n' 2.5 12345.678 0.0001
echo "float: seq $(seq 0 0.25 1 | tr '\n' ' ')"
echo "float: dc $(echo '10 k 2 v p' | dc)"
echo "float: bc $(echo 'scale=6; 4*a(1)' | bc -l)"
echo "float: done"
