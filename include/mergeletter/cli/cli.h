/*
 * cli.h: the commands (section, issue), their option tables and --help.
 */
#ifndef MERGELETTER_CLI_H
#define MERGELETTER_CLI_H

/* Run the program; returns the process exit code (enum ml_exit). */
int cli_main(int argc, char **argv);

#endif
