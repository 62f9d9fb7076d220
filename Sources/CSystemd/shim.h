#ifndef HOTLINE_CSYSTEMD_SHIM_H
#define HOTLINE_CSYSTEMD_SHIM_H
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#include <sys/uio.h>

// sd_notify is not variadic, but sd_journal_send is: Swift calls sd_journal_sendv with an iovec array instead.
#endif
