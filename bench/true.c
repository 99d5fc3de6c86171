/*
 * bench/true.c - ipclab-bench-true: a program that does nothing.
 *
 * The floor under per-request spawning: what fork+exec+wait costs before
 * a program does anything of its own (the kernel, and the dynamic loader
 * mapping libc). Linked with nothing of the kit's, no tracepoints.
 */
int
main(void)
{
    return 0;
}
