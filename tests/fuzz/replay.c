/*
 * replay.c: a plain main() for the libFuzzer targets, so make check
 * replays each target's seed corpus without clang.  Arguments are
 * files or directories of inputs; prints TAP-free progress to stderr.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *fn)
{
    FILE *f = fopen(fn, "rb");
    char *buf;
    long n;

    if (!f)
        return 1;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc(n ? (size_t)n : 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(buf);
        return 1;
    }
    fclose(f);
    LLVMFuzzerTestOneInput((const uint8_t *)buf, (size_t)n);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    int i, bad = 0, count = 0;

    for (i = 1; i < argc; ++i) {
        struct stat st;
        if (stat(argv[i], &st) == -1)
            return 2;
        if (S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            struct dirent *e;
            char path[4096];
            while (d && (e = readdir(d))) {
                if (e->d_name[0] == '.')
                    continue;
                snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
                bad |= run_file(path);
                ++count;
            }
            if (d)
                closedir(d);
        } else {
            bad |= run_file(argv[i]);
            ++count;
        }
    }
    fprintf(stderr, "replayed %d inputs\n", count);
    return bad;
}
