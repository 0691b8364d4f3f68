/* Hello world for Zero-OS: prints a greeting and its arguments, and exits with the number given
 * as its first argument (0 without one), so that scripts can check a status end to end. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	printf("Hello from Zero-OS!");
	for (int i = 1; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
	return argc > 1 ? atoi(argv[1]) : 0;
}
