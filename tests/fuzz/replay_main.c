/* SPDX-License-Identifier: MIT */
/* replay_main.c -- runs a fuzz target over every file of the given
 * directories, so that each build replays the seeds without libFuzzer. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    static unsigned char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    /* A copy of exactly the input's size, as libFuzzer passes it, so that a
     * sanitizer build sees a read one byte past the end. */
    unsigned char *input = malloc(n ? n : 1);
    if (!input)
        return -1;
    memcpy(input, buf, n);
    LLVMFuzzerTestOneInput(input, n);
    free(input);
    return 0;
}

int main(int argc, char **argv)
{
    int inputs = 0;
    for (int i = 1; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        if (!d) {
            fprintf(stderr, "replay: cannot open %s\n", argv[i]);
            return 1;
        }
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
            if (replay_file(path) != 0) {
                fprintf(stderr, "replay: cannot read %s\n", path);
                closedir(d);
                return 1;
            }
            inputs++;
        }
        closedir(d);
    }
    printf("replay: %d passed, 0 failed\n", inputs);
    return inputs > 0 ? 0 : 1;
}
