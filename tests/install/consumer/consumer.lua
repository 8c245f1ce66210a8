-- SPDX-License-Identifier: MIT
-- consumer.lua NAME -- a round trip through the installed Lua module
-- (require "mailslot": a reader on NAME, a writer, write, read back), then
-- one line for the caller to compare with what it installed: the module's
-- file as package.cpath finds it, and the library's version. Run by
-- tests/install/system_install_test.sh and tests/package/root_test.sh.
local mailslot = require "mailslot"
local name = assert(arg[1], "usage: lua5.4 consumer.lua NAME")
local reader <close> = mailslot.Reader(name)
do
  local writer <close> = mailslot.Writer(name)
  writer:write("installed")
end
local msg, err = reader:read(10000)
assert(msg == "installed", err)
print(package.searchpath("mailslot", package.cpath) .. " " .. mailslot.version_string())
