/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* An ordinary glibc program: dynamically linked, so KML-rs refuses it. */
#include <stdio.h>

int main(void)
{
	puts("hello");
	return 0;
}
