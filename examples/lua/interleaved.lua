-- SPDX-License-Identifier: MIT
-- interleaved.lua -- one loop that both writes and reads one slot, with the
-- SWIG binding (require "mailslot"); the C version is examples/c/interleaved.c.
--
-- The loop never blocks: at random moments it writes a numbered message, and
-- on every turn it looks for a message with a non-blocking read (timeout 0),
-- which returns nil, message, code (mailslot.E_TIMEOUT) when the queue is
-- empty. After WRITES messages it writes STOP, and it ends when it reads STOP.
-- Messages from one writer arrive in order, so message i is read i-th.
--
-- usage: lua5.4 interleaved.lua [PATH]     PATH replaces "interleaved" as the slot's name

local mailslot = require "mailslot"

local WRITES = 20
local path = arg[1] or "interleaved"

-- The reader first: a writer on a local name needs one.
local reader <close> = mailslot.Reader(path)
local writer <close> = mailslot.Writer(path)

local written, read, empty = 0, 0, 0
while true do
  -- Write the next message, or STOP after the last one, at random moments.
  if written <= WRITES and math.random(3) == 1 then
    writer:write(written < WRITES and ("message " .. written) or "STOP")
    written = written + 1
  end

  -- Read one message if one waits.
  local msg, err, code = reader:read(0)
  if msg == nil then
    if code ~= mailslot.E_TIMEOUT then
      error(err)
    end
    empty = empty + 1 -- nothing waits: not an error, do something else
  else
    print("read " .. msg)
    if msg == "STOP" then break end
    if msg ~= "message " .. read then
      io.stderr:write(string.format('interleaved: expected "message %d", read "%s"\n', read, msg))
      os.exit(1)
    end
    read = read + 1
  end
end

print(string.format("wrote %d messages, read %d; %d reads found the queue empty", WRITES, read, empty))
os.exit(read == WRITES and 0 or 1, true)
