/* main.c: the program's entry; everything else is the library. */
#include "mergeletter/cli/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
