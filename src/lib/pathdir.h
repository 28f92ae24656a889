/*
 * pathdir.h: the directory part of a path, to fsync the directory that
 * holds a new or renamed name (design section 5).
 * pathdir_of: copy into out the directory that contains the last name
 *   of path ("a/b" -> "a", "b" -> ".", "/b" -> "/", trailing slashes
 *   ignored), NUL-terminated.  1 ok / 0 failed (errno).  Pure.
 */
#ifndef PATHDIR_H
#define PATHDIR_H

#include "sa.h"

int pathdir_of(sa *out, const char *path) WUR;

#endif
