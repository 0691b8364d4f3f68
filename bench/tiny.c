/* tiny: the smallest useful static program, exec'd by zbench's fork+execve+wait test. It exits
 * with 100 + its first argument (0..99), so the parent can tell that this very program ran with
 * the arguments it was given (an exec failure in the child exits with errno, below 100). */
#include <stdlib.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 99;
	return 100 + atoi(argv[1]) % 100;
}
