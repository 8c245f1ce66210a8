-- SPDX-License-Identifier: MIT
-- peer.lua -- the Lua side (require "mailslot") of the cross-language test.
--
--   lua5.4 peer.lua read NAME COUNT   create a reader on NAME, print "ready", then
--                                     print COUNT messages as lowercase hex, one a line
--   lua5.4 peer.lua write NAME        send each line of standard input, given in
--                                     hex, as one message to NAME
--
-- crosslang.py starts it; every peer (peer.py, Peer.cs) takes the same
-- arguments and speaks the same lines.

local mailslot = require "mailslot"

local READ_TIMEOUT_MS = 20000 -- a lost message fails the test instead of hanging it

local function to_hex(s)
  return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end

local function from_hex(h)
  return (h:gsub("%x%x", function(xx) return string.char(tonumber(xx, 16)) end))
end

local mode, name, count = arg[1], arg[2], math.tointeger(tonumber(arg[3] or ""))

if mode == "read" and name and count then
  local reader <close> = mailslot.Reader(name, { read_timeout_ms = READ_TIMEOUT_MS })
  io.stdout:write("ready\n")
  io.stdout:flush()
  for _ = 1, count do
    local msg, err = reader:read()
    if not msg then
      io.stderr:write("peer.lua: read: ", err, "\n")
      os.exit(1)
    end
    io.stdout:write(to_hex(msg), "\n")
    io.stdout:flush()
  end
elseif mode == "write" and name and not arg[3] then
  local writer <close> = mailslot.Writer(name)
  for line in io.lines() do
    writer:write(from_hex(line))
  end
else
  io.stderr:write("usage: peer.lua read NAME COUNT | peer.lua write NAME\n")
  os.exit(2)
end
