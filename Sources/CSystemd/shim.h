#ifndef HOTLINE_CSYSTEMD_SHIM_H
#define HOTLINE_CSYSTEMD_SHIM_H
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#include <sys/uio.h>

// hotlined: sd_notify, sd_listen_fds_with_names, sd_watchdog_enabled, sd_journal_sendv (Systemd.swift,
// JournalLogHandler.swift). hotlinectl audit verify --journal reads with sd_journal_open, sd_journal_open_directory,
// sd_journal_open_files, sd_journal_add_match, sd_journal_seek_head, sd_journal_next, sd_journal_get_data,
// sd_journal_get_realtime_usec, sd_journal_get_usage and sd_journal_close (JournalReader.swift), all declared by
// sd-journal.h above.
// sd_notify is not variadic, but sd_journal_send is: Swift calls sd_journal_sendv with an iovec array instead.
#endif
