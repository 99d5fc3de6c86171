/*
 * bench/true.c - ipclab-bench-true: a program that does nothing.
 *
 * The floor under per-request spawning: what fork+exec+wait costs before
 * a program does anything of its own (the kernel, and the dynamic loader
 * mapping libc). Linked with nothing of the kit's, no tracepoints; its
 * only work is to answer --help, as every program of the kit does.
 */
#include <string.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
    static const char help[] =
        "Usage: ipclab-bench-true\n"
        "\n"
        "Does nothing and exits 0: 'ipclab-bench spawn' measures\n"
        "fork+exec+wait of it, the floor under per-request spawning.\n";

    if (argc > 1 && strcmp(argv[1], "--help") == 0)
        return write(STDOUT_FILENO, help, sizeof(help) - 1) ==
               (ssize_t)(sizeof(help) - 1) ? 0 : 1;
    return 0;
}
