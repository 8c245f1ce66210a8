-- SPDX-License-Identifier: MIT
-- logger.lua -- the classic use of a mailslot, a log collector, with the SWIG
-- binding (require "mailslot"); the C version is examples/c/logger.c.
--
-- Lua has no threads, so one program plays both parts in turn: it creates
-- the collector's reader on "logger" first (a message sent while no reader
-- exists is lost, like a datagram), then, as an application that logs, opens
-- a writer on \\*\mailslot\logger ("every host") and writes a few words and
-- STOP, then reads and prints every word until STOP. Written messages stay
-- queued for the reader.
--
-- usage: lua5.4 logger.lua [PATH]     PATH replaces "logger" as the slot's name

local mailslot = require "mailslot"

local path = arg[1] or "logger"

-- Log lines are short: messages over 256 bytes fail at the writer. A real
-- collector would wait forever; this one gives up after 10 s without a
-- message, so that it ends even if the writer fails.
local reader <close> = mailslot.Reader(path, { max_message_size = 256, read_timeout_ms = 10000 })

do
  local writer <close> = mailslot.Writer("\\\\*\\mailslot\\" .. path)
  for _, word in ipairs { "the", "quick", "brown", "fox", "STOP" } do
    writer:write(word)
  end
end -- the writer is closed here

while true do
  local word, err = reader:read()
  if not word then
    io.stderr:write("logger: read: ", err, "\n")
    os.exit(1)
  end
  if word == "STOP" then break end
  print(word)
end
