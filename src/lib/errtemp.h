/*
 * errtemp.h: is an errno value a temporary condition?  Delivery code
 * turns a failed system call into "try again later" (111) or "bounce"
 * (100) with this one classification, so every program agrees.
 * errtemp returns 1 for a condition that may go away by itself (no
 * memory, I/O error, timeouts, full disk, network trouble, stale NFS
 * handles), 0 for one that needs someone to act (no such file,
 * permission denied, not a directory...).
 */
#ifndef ERRTEMP_H
#define ERRTEMP_H

int errtemp(int e);

#endif
