/* SPDX-License-Identifier: MIT */
/*
 * p9_errstr: errno <-> error text for 9P2000 and 9P2000.u Rerror.
 *
 * A fixed table (the texts glibc's strerror gives in the C locale) so what
 * goes on the wire never depends on the process locale, and a best-effort
 * reverse map that also knows the usual Plan 9 server texts. It does not
 * decide which errno an operation reports; gateway/ does.
 */
#include "p9.h"

#include <errno.h>
#include <stdbool.h>
#include <strings.h>

struct errtext {
	int errnum;
	const char *text;
};

/* errno -> text; also the first table the reverse map searches */
static const struct errtext err_texts[] = {
    {EPERM, "Operation not permitted"},
    {ENOENT, "No such file or directory"},
    {ESRCH, "No such process"},
    {EINTR, "Interrupted system call"},
    {EIO, "Input/output error"},
    {ENXIO, "No such device or address"},
    {E2BIG, "Argument list too long"},
    {ENOEXEC, "Exec format error"},
    {EBADF, "Bad file descriptor"},
    {ECHILD, "No child processes"},
    {EAGAIN, "Resource temporarily unavailable"},
    {ENOMEM, "Cannot allocate memory"},
    {EACCES, "Permission denied"},
    {EFAULT, "Bad address"},
    {ENOTBLK, "Block device required"},
    {EBUSY, "Device or resource busy"},
    {EEXIST, "File exists"},
    {EXDEV, "Invalid cross-device link"},
    {ENODEV, "No such device"},
    {ENOTDIR, "Not a directory"},
    {EISDIR, "Is a directory"},
    {EINVAL, "Invalid argument"},
    {ENFILE, "Too many open files in system"},
    {EMFILE, "Too many open files"},
    {ENOTTY, "Inappropriate ioctl for device"},
    {ETXTBSY, "Text file busy"},
    {EFBIG, "File too large"},
    {ENOSPC, "No space left on device"},
    {ESPIPE, "Illegal seek"},
    {EROFS, "Read-only file system"},
    {EMLINK, "Too many links"},
    {EPIPE, "Broken pipe"},
    {EDOM, "Numerical argument out of domain"},
    {ERANGE, "Numerical result out of range"},
    {EDEADLK, "Resource deadlock avoided"},
    {ENAMETOOLONG, "File name too long"},
    {ENOLCK, "No locks available"},
    {ENOSYS, "Function not implemented"},
    {ENOTEMPTY, "Directory not empty"},
    {ELOOP, "Too many levels of symbolic links"},
    {ENOMSG, "No message of desired type"},
    {ENODATA, "No data available"},
    {ETIME, "Timer expired"},
    {EPROTO, "Protocol error"},
    {EBADMSG, "Bad message"},
    {EOVERFLOW, "Value too large for defined data type"},
    {EILSEQ, "Invalid or incomplete multibyte or wide character"},
    {EMSGSIZE, "Message too long"},
    {EOPNOTSUPP, "Operation not supported"},
    {ENOBUFS, "No buffer space available"},
    {ENOTCONN, "Transport endpoint is not connected"},
    {ETIMEDOUT, "Connection timed out"},
    {ECONNREFUSED, "Connection refused"},
    {ECONNRESET, "Connection reset by peer"},
    {EHOSTUNREACH, "No route to host"},
    {EALREADY, "Operation already in progress"},
    {EINPROGRESS, "Operation now in progress"},
    {ESTALE, "Stale file handle"},
    {EDQUOT, "Disk quota exceeded"},
    {ECANCELED, "Operation canceled"},
};

/* texts other servers send (Plan 9 and friends), reverse map only */
static const struct errtext err_aliases[] = {
    {ENOENT, "file does not exist"},
    {ENOENT, "file not found"},
    {ENOENT, "no such file"},
    {EACCES, "permission denied"},
    {EACCES, "create prohibited"},
    {EACCES, "read prohibited"},
    {EACCES, "write prohibited"},
    {EEXIST, "file already exists"},
    {EEXIST, "file exists"},
    {ENOTDIR, "not a directory"},
    {ENOTDIR, "walk in non-directory"},
    {EISDIR, "is a directory"},
    {ENOTEMPTY, "directory not empty"},
    {EBUSY, "file in use"},
    {EBUSY, "device or object busy"},
    {EBADF, "unknown fid"},
    {EBADF, "fid unknown or out of range"},
    {EBADF, "fid already in use"},
    {EBADF, "bad use of fid"},
    {EINVAL, "illegal mode"},
    {EINVAL, "bad arg in system call"},
    {ENAMETOOLONG, "file name too long"},
    {EROFS, "file system read only"},
    {ENOSPC, "file system full"},
    {EIO, "i/o error"},
    {EINTR, "interrupted"},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const char *
p9_errstr(int errnum)
{
	for (size_t i = 0; i < NELEM(err_texts); i++)
		if (err_texts[i].errnum == errnum)
			return err_texts[i].text;
	return "Input/output error";
}

static size_t
cstrlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

/* does the text t occur in s/len (case-insensitive); exact: whole of s */
static bool
matches(const char *s, size_t len, const char *t, bool exact)
{
	size_t tlen = cstrlen(t);

	if (exact)
		return len == tlen && strncasecmp(s, t, tlen) == 0;
	for (size_t i = 0; tlen <= len && i <= len - tlen; i++)
		if (strncasecmp(s + i, t, tlen) == 0)
			return true;
	return false;
}

int
p9_errnum_from_str(const char *s, size_t len)
{
	/* exact texts first, then texts embedded in a longer message
	 * ("'x' file does not exist") */
	for (int exact = 1; exact >= 0; exact--) {
		for (size_t i = 0; i < NELEM(err_texts); i++)
			if (matches(s, len, err_texts[i].text, exact))
				return err_texts[i].errnum;
		for (size_t i = 0; i < NELEM(err_aliases); i++)
			if (matches(s, len, err_aliases[i].text, exact))
				return err_aliases[i].errnum;
	}
	return EIO;
}
