/* driver.c: replay a seed corpus through a harness without libFuzzer.
 *
 * Usage: fuzz_NAME DIR|FILE...: every regular file (of each directory) is
 * passed to LLVMFuzzerTestOneInput() once. Linked into each harness in
 * the normal build, where ctest runs it over tests/fuzz/corpus/NAME.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t len = 0, cap = 0, n;
	int rc = -1;

	if (!fp) {
		perror(path);
		return -1;
	}
	for (;;) {
		if (cap - len < 4096) {
			uint8_t *p = realloc(data, cap = cap * 2 + 4096);

			if (!p)
				goto done;
			data = p;
		}
		n = fread(data + len, 1, cap - len, fp);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp)) {
		perror(path);
		goto done;
	}
	LLVMFuzzerTestOneInput(data, len);
	rc = 0;
done:
	free(data);
	fclose(fp);
	return rc;
}

static int run_path(const char *path, size_t *count)
{
	struct stat st;
	DIR *dir;
	struct dirent *e;
	int rc = 0;

	if (stat(path, &st) < 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return run_file(path);
	}
	if (!(dir = opendir(path))) {
		perror(path);
		return -1;
	}
	while (rc == 0 && (e = readdir(dir)) != NULL) {
		char full[4096];

		if (e->d_name[0] == '.')
			continue;
		snprintf(full, sizeof full, "%s/%s", path, e->d_name);
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
			(*count)++;
			rc = run_file(full);
		}
	}
	closedir(dir);
	return rc;
}

int main(int argc, char **argv)
{
	size_t count = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++)
		if (run_path(argv[i], &count) < 0)
			return 1;
	if (count == 0) {
		fprintf(stderr, "%s: no input files\n", argv[0]);
		return 1;
	}
	printf("%zu inputs ran\n", count);
	return 0;
}
