-- SPDX-License-Identifier: MIT
-- Generated from abi/constants.txt by cmake/constants.cmake: do not edit.
-- `cmake --build <dir> --target constants` writes it again; the test
-- abi_generated fails while it differs from the table.
-- Inserted by lua.i into the module's own code, where M is the module.

-- r:settings()'s fields in key order: { field, key, flag }.
local setting_fields = {
  { "max_message_size", M.OPT_MAX_MESSAGE_SIZE, false },
  { "read_timeout_ms", M.OPT_READ_TIMEOUT, false },
  { "queue_limit", M.OPT_QUEUE_LIMIT, false },
  { "allow_any_user", M.OPT_ALLOW_ANY_USER, true },
  { "network", M.OPT_NETWORK, true },
  { "port", M.OPT_PORT, false },
  { "keys", M.OPT_KEYS, false },
  { "suite", M.OPT_SUITE, false },
  { "replay_window", M.OPT_REPLAY_WINDOW, false },
  { "time_window_ms", M.OPT_TIME_WINDOW, false },
  { "auth_migration", M.OPT_AUTH_MIGRATION, true },
  { "auth_log", M.OPT_AUTH_LOG, true },
  { "legacy", M.OPT_LEGACY, true },
}
