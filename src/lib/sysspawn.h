/*
 * sysspawn.h: the C library's <spawn.h> (posix_spawn).  The spawn
 * engine's own spawn.h in this directory hides it from a plain
 * #include <spawn.h>; include this one as <sysspawn.h> so that the
 * search resumes after this directory.
 */
#pragma GCC system_header
#include_next <spawn.h>
