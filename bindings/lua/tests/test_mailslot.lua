-- SPDX-License-Identifier: MIT
-- test_mailslot.lua -- tests of the Lua binding (require "mailslot").
-- Run: LUA_CPATH='<build>/bindings/swig/lua/?.so' lua5.4 test_mailslot.lua
-- Prints "N passed, M failed" and exits non-zero when a test failed.

local mailslot = require "mailslot"

local passed, failed = 0, 0

local function test(name, fn)
  local ok, err = pcall(fn)
  if ok then
    passed = passed + 1
  else
    failed = failed + 1
    io.stderr:write("FAIL ", name, ": ", tostring(err), "\n")
  end
end

local function check(cond, what)
  if not cond then
    error(what or "check failed", 2)
  end
end

local function eq(got, want, what)
  if got ~= want then
    error(string.format("%s: got %s, want %s", what or "value", tostring(got), tostring(want)), 2)
  end
end

-- Calls fn and returns the error object it raised (fails if it did not).
local function raises(fn, ...)
  local ok, err = pcall(fn, ...)
  if ok then
    error("expected an error", 2)
  end
  return err
end

-- Unique slot names: this process's id and a counter, so parallel runs never collide.
local pid
do
  local f = io.open("/proc/self/stat")
  pid = f and f:read("n")
  if f then f:close() end
  pid = pid or os.time()
end
local counter = 0
local function unique(tag)
  counter = counter + 1
  return string.format("lua-test-%d-%d-%s", pid, counter, tag)
end

test("module has no global and reports its version", function()
  eq(_G.mailslot, nil, "global mailslot")
  check(math.type(mailslot.version()) == "integer", "version is an integer")
  check(type(mailslot.version_string()) == "string", "version_string is a string")
  eq(mailslot.E_TIMEOUT, -5, "E_TIMEOUT")
  eq(mailslot.E_CLOSED, -10, "E_CLOSED")
end)

test("round trip keeps bytes, embedded NULs and order", function()
  local name = unique("roundtrip")
  local r <close> = mailslot.Reader(name)
  local w <close> = mailslot.Writer(name)
  local binary = "a\0b\255\1" .. string.rep("z", 3000)
  w:write("hello")
  w:write(binary)
  eq(r:read(1000), "hello", "first message")
  eq(r:read(1000), binary, "second message")
end)

test("zero-length message arrives as an empty string", function()
  local name = unique("empty")
  local r <close> = mailslot.Reader(name)
  local w <close> = mailslot.Writer(name)
  w:write("")
  eq(r:read(1000), "", "empty message")
end)

test("largest local message", function()
  local name = unique("large")
  local r <close> = mailslot.Reader(name)
  local w <close> = mailslot.Writer(name)
  local big = string.rep("\7", mailslot.MAX_LOCAL_MESSAGE)
  w:write(big)
  eq(r:read(1000), big, "64 KiB message")
end)

test("timeout returns nil, message, code", function()
  local r <close> = mailslot.Reader(unique("timeout"))
  local value, message, code = r:read(0)
  eq(value, nil, "value")
  eq(code, mailslot.E_TIMEOUT, "code")
  check(type(message) == "string" and #message > 0, "message is text")
  value, message, code = r:read(20)
  eq(value, nil, "value after 20 ms")
  eq(code, -5, "code after 20 ms")
end)

test("options table sets the read timeout and the size limit", function()
  local name = unique("options")
  local r <close> = mailslot.Reader(name, { read_timeout_ms = 0, max_message_size = 10,
                                            queue_limit = 5, allow_any_user = false })
  local max, next_size, count, timeout = r:info()
  eq(max, 10, "max_message_size")
  eq(next_size, mailslot.NO_MESSAGE, "next_size")
  eq(count, 0, "message_count")
  eq(timeout, 0, "read_timeout_ms")
  check(math.type(max) == "integer", "info returns integers")
  local value, _, code = r:read() -- the reader's own timeout: 0
  eq(value, nil, "value")
  eq(code, mailslot.E_TIMEOUT, "code")
  r:set_read_timeout(mailslot.WAIT_FOREVER)
  eq(select(4, r:info()), -1, "timeout after set_read_timeout")
  local e = raises(mailslot.Reader, unique("options-bad"), { no_such_option = 1 })
  check(tostring(e):find("no_such_option"), "unknown option is named")
end)

test("info counts waiting messages", function()
  local name = unique("info")
  local r <close> = mailslot.Reader(name)
  local w <close> = mailslot.Writer(name)
  w:write("12345")
  w:write("1")
  local _, next_size, count = r:info()
  eq(next_size, 5, "next_size")
  eq(count, 2, "message_count")
end)

test("too big raises an error with code E_TOO_BIG", function()
  local name = unique("toobig")
  local r <close> = mailslot.Reader(name, { max_message_size = 10 })
  local w <close> = mailslot.Writer(name)
  w:write(string.rep("x", 10))
  local e = raises(w.write, w, string.rep("x", 11))
  eq(type(e), "table", "error object type")
  eq(e.code, mailslot.E_TOO_BIG, "code")
  check(tostring(e):match("^mailslot: .+ %(code %-6%)$"), "tostring: " .. tostring(e))
  eq(r:read(1000), string.rep("x", 10), "the message that fit")
end)

test("opening a name nobody reads raises E_NOT_FOUND", function()
  local e = raises(mailslot.Writer, unique("nobody"))
  eq(e.code, mailslot.E_NOT_FOUND, "code")
  check(e.message:find("nobody"), "message names the slot: " .. tostring(e.message))
end)

test("a second reader for a name raises E_EXISTS", function()
  local name = unique("exists")
  local r <close> = mailslot.Reader(name)
  eq(raises(mailslot.Reader, name).code, mailslot.E_EXISTS, "code")
end)

test("invalid names raise E_NAME", function()
  eq(raises(mailslot.Reader, "\\\\.\\pipe\\x").code, mailslot.E_NAME, "reader")
  eq(raises(mailslot.name_canonical, "a//b").code, mailslot.E_NAME, "name_canonical")
  eq(mailslot.name_canonical("Some\\Path"), "\\\\.\\mailslot\\some\\path", "canonical form")
end)

test("query_int asks the reader of a local name (mailslot_query)", function()
  local name = unique("query")
  local windows = package.config:sub(1, 1) == "\\"
  do
    local r <close> = mailslot.Reader(name, { max_message_size = 300, queue_limit = 9 })
    local w <close> = mailslot.Writer(name)
    if windows then
      eq(raises(mailslot.query_int, name, mailslot.OPT_QUEUE_LIMIT, 1000).code, mailslot.E_SYSTEM,
         "a Windows mailslot cannot be asked")
    else
      w:write("a")
      eq(mailslot.query_int(name, mailslot.OPT_QUEUE_LIMIT, 1000), 9, "queue_limit")
      eq(mailslot.query_int(name, mailslot.OPT_MAX_MESSAGE_SIZE, 1000), 300, "max_message_size")
      eq(mailslot.query_int(name, mailslot.STAT_NET_RECEIVED, 1000), 0, "net_received")
      eq(mailslot.query_int(name, mailslot.INFO_MESSAGE_COUNT, mailslot.WAIT_FOREVER), 1, "messages waiting")
    end
    eq(raises(mailslot.query_int, name, mailslot.OPT_READ_TIMEOUT, 1000).code, mailslot.E_INVALID, "bad key")
    eq(raises(mailslot.query_int, name, mailslot.OPT_QUEUE_LIMIT, -2).code, mailslot.E_INVALID, "bad timeout")
  end
  eq(raises(mailslot.query_int, "\\\\*\\mailslot\\x", mailslot.OPT_QUEUE_LIMIT, 1000).code, mailslot.E_NAME,
     "remote")
  if not windows then
    eq(raises(mailslot.query_int, name, mailslot.OPT_QUEUE_LIMIT, 1000).code, mailslot.E_NOT_FOUND, "no reader")
  end
end)

test("name and fd", function()
  local name = unique("Name")
  local r <close> = mailslot.Reader(name)
  eq(r:name(), "\\\\.\\mailslot\\" .. name:lower(), "name")
  local fd = r:fd()
  check(math.type(fd) == "integer" and fd >= 0, "fd is a descriptor")
  eq(r:fd(), fd, "fd is stable")
end)

test("interrupt does not affect later reads", function()
  local name = unique("interrupt")
  local r <close> = mailslot.Reader(name)
  local w <close> = mailslot.Writer(name)
  r:interrupt()
  w:write("after")
  eq(r:read(1000), "after", "message")
end)

test("close is idempotent and use after close raises E_CLOSED", function()
  local name = unique("close")
  local r = mailslot.Reader(name)
  local w = mailslot.Writer(name)
  check(not r:closed(), "open reader")
  r:close()
  r:close()
  w:close()
  w:close()
  check(r:closed() and w:closed(), "closed")
  eq(raises(r.read, r, 0).code, mailslot.E_CLOSED, "read after close")
  eq(raises(r.info, r).code, mailslot.E_CLOSED, "info after close")
  eq(raises(r.name, r).code, mailslot.E_CLOSED, "name after close")
  eq(raises(w.write, w, "x").code, mailslot.E_CLOSED, "write after close")
  -- the name is free again
  local again <close> = mailslot.Reader(name)
  r, w = nil, nil
  collectgarbage() -- collection after close is safe
end)

test("<close> variables release the name at the end of the scope", function()
  local name = unique("scope")
  local kept
  do
    local r <close> = mailslot.Reader(name)
    local w <close> = mailslot.Writer(name)
    kept = r
  end
  check(kept:closed(), "closed by <close>")
  local again <close> = mailslot.Reader(name)
  eq(raises(kept.read, kept, 0).code, mailslot.E_CLOSED, "old reader stays closed")
end)

test("garbage collection closes a forgotten reader", function()
  local name = unique("gc")
  do
    local r = mailslot.Reader(name) -- never closed
    r:info()
  end
  collectgarbage()
  collectgarbage()
  local again <close> = mailslot.Reader(name)
  check(not again:closed(), "new reader")
end)

test("bad argument types raise", function()
  local r <close> = mailslot.Reader(unique("args"))
  local ok = pcall(r.read, r, "soon")
  check(not ok, "string timeout rejected")
  ok = pcall(mailslot.Reader, {})
  check(not ok, "table name rejected")
  ok = pcall(r.read, r, 1.5)
  check(not ok, "fractional timeout rejected")
end)

-- ---- network options and get_int -------------------------------------------

-- The rows of abi/constants.txt (MAILSLOT_CONSTANTS names it): { name = without MAILSLOT_, value }.
local function constant_rows()
  local path = os.getenv("MAILSLOT_CONSTANTS")
  check(path ~= nil and path ~= "", "MAILSLOT_CONSTANTS names abi/constants.txt")
  local rows = {}
  for line in io.lines(path) do
    local name, value = line:match("^MAILSLOT_([A-Z0-9_]+)%s+(%-?%d+)")
    if name then
      rows[#rows + 1] = { name = name, value = math.tointeger(tonumber(value)) }
    end
  end
  check(#rows > 0, "rows in " .. path)
  return rows
end

test("every constant of abi/constants.txt is in the module", function()
  for _, row in ipairs(constant_rows()) do
    eq(mailslot[row.name], row.value, row.name)
  end
end)

test("r:settings() has every value abi/constants.txt marks settings, as get_int reads it", function()
  local r <close> = mailslot.Reader(unique("settings-table"))
  local settings = r:settings()
  local n, want = 0, 0
  for _ in pairs(settings) do
    n = n + 1
  end
  for line in io.lines(os.getenv("MAILSLOT_CONSTANTS")) do
    local value, field, where = line:match("^MAILSLOT_[A-Z0-9_]+%s+(%-?%d+)%s+%a+%s+([a-z0-9_]+):([a-z,]+)")
    if field and ("," .. where .. ","):find(",settings,", 1, true) then
      want = want + 1
      local got = r:get_int(math.tointeger(tonumber(value)))
      if ("," .. where .. ","):find(",flag,", 1, true) then
        got = got ~= 0
      end
      eq(settings[field], got, "settings()." .. field)
    end
  end
  check(want > 0, "rows marked settings")
  eq(n, want, "settings() has the table's settings and no other field")
end)

test("r:stats() has every counter of abi/constants.txt, as get_int reads it", function()
  local r <close> = mailslot.Reader(unique("stats-table"))
  local stats = r:stats()
  local n, counters = 0, 0
  for _ in pairs(stats) do
    n = n + 1
  end
  for _, row in ipairs(constant_rows()) do
    local counter = row.name:match("^STAT_(.+)$")
    if counter then
      counters = counters + 1
      eq(stats[counter:lower()], r:get_int(row.value), "stats()." .. counter:lower())
    end
  end
  eq(n, counters, "stats() has the table's counters and no other field")
end)

test("get_int reads the options in effect; counters start at 0", function()
  local r <close> = mailslot.Reader(unique("getint"), { max_message_size = 100, read_timeout_ms = 250,
                                                         queue_limit = 7, allow_any_user = true,
                                                         network = false, port = 40021 })
  eq(r:get_int(mailslot.OPT_MAX_MESSAGE_SIZE), 100, "max_message_size")
  eq(r:get_int(mailslot.OPT_READ_TIMEOUT), 250, "read_timeout")
  eq(r:get_int(mailslot.OPT_QUEUE_LIMIT), 7, "queue_limit")
  eq(r:get_int(mailslot.OPT_ALLOW_ANY_USER), 1, "allow_any_user")
  eq(r:get_int(mailslot.OPT_NETWORK), 0, "network")
  eq(r:get_int(mailslot.OPT_PORT), 40021, "port")
  check(math.type(r:get_int(mailslot.OPT_PORT)) == "integer", "get_int returns an integer")
  for field, value in pairs(r:stats()) do
    eq(value, 0, field)
  end
  for _, key in ipairs({ "STAT_NET_RECEIVED", "STAT_NET_MALFORMED", "STAT_NET_UNKNOWN_VERSION",
                         "STAT_NET_MISADDRESSED", "STAT_NET_DUPLICATE", "STAT_NET_OVER_LIMIT" }) do
    eq(r:get_int(mailslot[key]), 0, key)
  end
  local d <close> = mailslot.Reader(unique("getint-default"))
  eq(d:get_int(mailslot.OPT_QUEUE_LIMIT), 65536, "default queue_limit")
  eq(d:get_int(mailslot.OPT_READ_TIMEOUT), mailslot.WAIT_FOREVER, "default read_timeout")
end)

test("get_int with a bad key raises E_INVALID", function()
  local r = mailslot.Reader(unique("badkey"))
  for _, key in ipairs({ 0, mailslot.OPT_TTL, mailslot.OPT_DOMAIN, mailslot.OPT_INTERFACE, 100, 199 }) do
    eq(raises(r.get_int, r, key).code, mailslot.E_INVALID, "key " .. key)
  end
  r:close()
  eq(raises(r.get_int, r, mailslot.OPT_PORT).code, mailslot.E_CLOSED, "get_int after close")
  eq(raises(r.stats, r).code, mailslot.E_CLOSED, "stats after close")
end)

test("counters count network messages", function()
  -- "*" reaches this host's reader as a network packet, even with the network off.
  local name = unique("counters")
  local r <close> = mailslot.Reader(name, { max_message_size = 10 })
  local w <close> = mailslot.Writer("\\\\*\\mailslot\\" .. name, { network = false })
  -- One writer's messages are taken in order: once "fits" is read, the one before it was counted.
  w:write(string.rep("x", 11)) -- over the reader's limit: dropped there, not refused here
  w:write("fits")
  eq(r:read(1000), "fits", "message")
  local stats = r:stats()
  eq(stats.net_received, 1, "net_received")
  eq(stats.net_over_limit, 1, "net_over_limit")
  eq(r:get_int(mailslot.STAT_NET_OVER_LIMIT), 1, "get_int(STAT_NET_OVER_LIMIT)")
end)

test("legacy options reach the library", function()
  local r <close> = mailslot.Reader(unique("legacy"), { network = false, legacy = true,
                                                       netbios_name = "LogHost" })
  eq(r:get_int(mailslot.OPT_LEGACY), 1, "legacy")
  eq(r:settings().legacy, true, "settings().legacy")
  local e = raises(mailslot.Reader, unique("legacy-bad"), { network = false, netbios_name = "box.example" })
  eq(e.code, mailslot.E_INVALID, "a bad NetBIOS name")
  e = raises(mailslot.Writer, "\\\\*\\mailslot\\x", { network = false, legacy = 2 })
  eq(e.code, mailslot.E_INVALID, "legacy out of range")
end)

test("network options are accepted", function()
  local name = unique("netopts")
  local r <close> = mailslot.Reader(name, { network = false, port = 40022,
                                            domain = { "example-domain", "other" }, interface = "lo" })
  eq(r:get_int(mailslot.OPT_PORT), 40022, "port")
  do
    local w <close> = mailslot.Writer(name, { network = false, port = 40022, ttl = 4,
                                              domain = "example-domain", interface = "127.0.0.1" })
    w:write("local")
  end
  eq(r:read(1000), "local", "local message")
  do -- a member domain is this host, network or not
    local w <close> = mailslot.Writer("\\\\example-domain\\mailslot\\" .. name,
                                      { network = false, domain = "example-domain" })
    w:write("domain")
  end
  eq(r:read(1000), "domain", "domain message")
  -- Network on, loopback only: IP literals and member domains open; nothing is written.
  local on <close> = mailslot.Reader(unique("neton"), { network = true, port = 40023, interface = "lo" })
  eq(on:get_int(mailslot.OPT_NETWORK), 1, "network on")
  mailslot.Writer("\\\\192.0.2.1\\mailslot\\x", { network = true, port = 40023, interface = "lo" }):close()
  mailslot.Writer("\\\\otherdomain\\mailslot\\x", { network = true, domain = "otherdomain",
                                                     interface = "lo" }):close()
end)

test("bad network options raise E_INVALID", function()
  local remote = "\\\\*\\mailslot\\x"
  local cases = {
    { mailslot.Reader, unique("bad"), { network = 2 } },
    { mailslot.Reader, unique("bad"), { port = 0 } },
    { mailslot.Reader, unique("bad"), { port = 65536 } },
    { mailslot.Reader, unique("bad"), { domain = "a,,b" } },
    { mailslot.Reader, unique("bad"), { domain = "bad domain" } },
    { mailslot.Reader, unique("bad"), { interface = "x\ty" } },
    { mailslot.Writer, remote, { network = -1 } },
    { mailslot.Writer, remote, { port = -5 } },
    { mailslot.Writer, remote, { ttl = 0 } },
    { mailslot.Writer, remote, { ttl = 256 } },
    { mailslot.Writer, remote, { domain = { "a", "" } } },
    { mailslot.Writer, remote, { interface = string.rep("i", 64) } },
  }
  for i, case in ipairs(cases) do
    local e = raises(case[1], case[2], case[3])
    eq(type(e), "table", "case " .. i .. " raises an error object")
    eq(e.code, mailslot.E_INVALID, "case " .. i)
    check(e.message:find("MAILSLOT_OPT_", 1, true), "case " .. i .. " names the option: " .. e.message)
  end
  -- Lua-level mistakes are ordinary errors.
  check(not pcall(mailslot.Writer, remote, { port = 1.5 }), "fractional port")
  check(tostring(raises(mailslot.Writer, remote, { max_message_size = 1 })):find("unknown option"),
        "a reader's option for a writer")
  check(tostring(raises(mailslot.Reader, unique("bad"), { ttl = 1 })):find("unknown option"),
        "a writer's option for a reader")
end)

test("network-off remote open raises E_NETWORK", function()
  for _, name in ipairs({ "\\\\192.0.2.1\\mailslot\\x", "\\\\otherdomain\\mailslot\\x",
                          "\\\\otherhost.invalid\\mailslot\\x" }) do
    local e = raises(mailslot.Writer, name, { network = false })
    eq(e.code, mailslot.E_NETWORK, name)
    check(e.message:find("network is off", 1, true), "message: " .. e.message)
  end
  mailslot.Writer("\\\\*\\mailslot\\x", { network = false }):close()
  mailslot.Writer("\\\\workgroup\\mailslot\\x", { network = false }):close() -- the default domain
end)

-- ---- network keys ----------------------------------------------------------
-- With the network off, a writer for "\\*\mailslot\<path>" still delivers this
-- host's copy as a network packet, sealed with its keys.

local K1 = "key 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
local K2 = "key 1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100\n"

-- "" when the library has network keys, else why not.
local no_sodium
do
  local ok, err = pcall(mailslot.Reader, unique("probe"), { keys = K1, auth_log = false })
  if ok then
    err:close()
    no_sodium = ""
  elseif type(err) == "table" and err.code == mailslot.E_INVALID and err.message:find("libsodium", 1, true) then
    no_sodium = err.message
  else
    error(err)
  end
end

local skipped = 0
-- A test that needs keys: skipped, with the reason, without libsodium.
local function keys_test(name, fn)
  if no_sodium ~= "" then
    skipped = skipped + 1
    io.stderr:write("SKIP ", name, ": network keys need libsodium: ", no_sodium, "\n")
    return
  end
  test(name, fn)
end

local function star(name)
  return "\\\\*\\mailslot\\" .. name
end

-- Polls a counter until it has the value (fails after 20 s).
local function wait_counter(r, key, value)
  local deadline = os.time() + 20
  while r:get_int(key) ~= value do
    check(os.time() <= deadline, string.format("counter %d did not reach %d", key, value))
  end
end

-- A key file with the given mode ("600", "644").
local function key_file(text, mode)
  local path = os.tmpname()
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
  check(os.execute("chmod " .. mode .. " '" .. path .. "'"), "chmod")
  return path
end

test("key options and counters are constants; defaults read back", function()
  local keys = { "OPT_KEYS", "OPT_KEY_FILE", "OPT_SUITE", "OPT_REPLAY_WINDOW", "OPT_TIME_WINDOW",
                 "OPT_AUTH_MIGRATION", "OPT_AUTH_LOG" }
  for i, key in ipairs(keys) do
    eq(mailslot[key], 9 + i, key)
  end
  local stats = { "STAT_AUTH_NONE", "STAT_AUTH_UNKNOWN_KEY", "STAT_AUTH_BAD_TAG", "STAT_AUTH_REPLAY",
                  "STAT_AUTH_STALE", "STAT_AUTH_FUTURE", "STAT_AUTH_TABLE_FULL", "STAT_AUTH_VERIFIED",
                  "STAT_AUTH_UNVERIFIED" }
  for i, key in ipairs(stats) do
    eq(mailslot[key], 106 + i, key)
  end
  local r <close> = mailslot.Reader(unique("keydefaults"))
  local s = r:settings()
  eq(s.keys, 0, "keys")
  eq(s.suite, 1, "suite")
  eq(s.replay_window, 64, "replay_window")
  eq(s.time_window_ms, 120000, "time_window_ms")
  eq(s.auth_migration, false, "auth_migration")
  eq(s.auth_log, true, "auth_log")
  eq(s.network, false, "network (MAILSLOT_NETWORK=0)")
  eq(s.queue_limit, 65536, "queue_limit")
end)

keys_test("round trip with keys, suites 1 and 2", function()
  for suite = 1, 2 do
    local name = unique("keys" .. suite)
    local r <close> = mailslot.Reader(name, { keys = K1, auth_log = false })
    do
      local w <close> = mailslot.Writer(star(name), { network = false, keys = K1, suite = suite })
      w:write("sealed\0" .. suite)
    end
    eq(r:read(5000), "sealed\0" .. suite, "message of suite " .. suite)
    eq(r:stats().auth_verified, 1, "auth_verified")
  end
end)

keys_test("unsigned and wrong-key messages are dropped and counted", function()
  local name = unique("drops")
  local r <close> = mailslot.Reader(name, { keys = K1, auth_log = false })
  mailslot.Writer(star(name), { network = false }):write("unsigned")
  wait_counter(r, mailslot.STAT_AUTH_NONE, 1)
  mailslot.Writer(star(name), { network = false, keys = K2 }):write("wrong key")
  wait_counter(r, mailslot.STAT_AUTH_UNKNOWN_KEY, 1)
  local stats = r:stats()
  eq(stats.auth_none, 1, "auth_none")
  eq(stats.auth_unknown_key, 1, "auth_unknown_key")
  eq(stats.auth_verified, 0, "auth_verified")
  eq(select(3, r:info()), 0, "nothing queued")
end)

keys_test("migration accepts unsigned messages", function()
  local name = unique("migration")
  local r <close> = mailslot.Reader(name, { keys = K1, auth_migration = true, auth_log = false })
  mailslot.Writer(star(name), { network = false }):write("unsigned")
  eq(r:read(5000), "unsigned", "message")
  eq(r:stats().auth_unverified, 1, "auth_unverified")
end)

keys_test("a reader without keys drops suite 2", function()
  local name = unique("nokeys")
  local r <close> = mailslot.Reader(name)
  mailslot.Writer(star(name), { network = false, keys = K1, suite = 2 }):write("encrypted")
  wait_counter(r, mailslot.STAT_NET_UNKNOWN_VERSION, 1)
  mailslot.Writer(star(name), { network = false, keys = K1, suite = 1 }):write("signed")
  eq(r:read(5000), "signed", "suite 1 message")
end)

keys_test("key settings read back", function()
  local r <close> = mailslot.Reader(unique("keysettings"), { keys = K1 .. K2, replay_window = 192,
                                                              time_window_ms = 2000, auth_migration = true,
                                                              auth_log = false })
  local s = r:settings()
  eq(s.keys, 2, "keys")
  eq(s.replay_window, 192, "replay_window")
  eq(s.time_window_ms, 2000, "time_window_ms")
  eq(s.auth_migration, true, "auth_migration")
  eq(s.auth_log, false, "auth_log")
  eq(r:get_int(mailslot.OPT_KEY_FILE), 2, "OPT_KEY_FILE: the number of keys")
end)

test("bad key options raise E_INVALID", function()
  local remote = star("x")
  local cases = {
    { mailslot.Reader, unique("bad"), { replay_window = 100 } },
    { mailslot.Reader, unique("bad"), { replay_window = 0 } },
    { mailslot.Reader, unique("bad"), { time_window_ms = 999 } },
    { mailslot.Reader, unique("bad"), { time_window_ms = 86400001 } },
    { mailslot.Reader, unique("bad"), { auth_migration = 2 } },
    { mailslot.Writer, remote, { network = false, suite = 3 } },
    { mailslot.Writer, remote, { network = false, suite = 0 } },
  }
  for i, case in ipairs(cases) do
    local e = raises(case[1], case[2], case[3])
    eq(e.code, mailslot.E_INVALID, "case " .. i)
    check(e.message:find("MAILSLOT_OPT_", 1, true), "case " .. i .. " names the option: " .. e.message)
  end
  local both = raises(mailslot.Reader, unique("both"), { keys = K1, key_file = "/k" })
  eq(both.code, mailslot.E_INVALID, "keys and key_file")
  check(tostring(raises(mailslot.Writer, remote, { replay_window = 64 })):find("unknown option"),
        "a reader's key option for a writer")
  check(tostring(raises(mailslot.Reader, unique("bad"), { suite = 1 })):find("unknown option"),
        "a writer's key option for a reader")
end)

keys_test("bad key text raises E_INVALID", function()
  local e = raises(mailslot.Reader, unique("badtext"), { keys = "key 0011" })
  eq(e.code, mailslot.E_INVALID, "code")
  check(e.message:find("MAILSLOT_OPT_KEYS", 1, true), "message: " .. e.message)
end)

keys_test("key file 0600 accepted, 0644 refused (E_ACCESS), missing E_NOT_FOUND", function()
  local private = key_file("# test\n" .. K1, "600")
  local open = key_file(K1, "644")
  local ok, err = pcall(function()
    local name = unique("keyfile")
    local r <close> = mailslot.Reader(name, { key_file = private, auth_log = false })
    eq(r:settings().keys, 1, "keys from the file")
    mailslot.Writer(star(name), { network = false, key_file = private }):write("from a file")
    eq(r:read(5000), "from a file", "message")
    eq(raises(mailslot.Reader, unique("open"), { key_file = open }).code, mailslot.E_ACCESS, "0644 reader")
    eq(raises(mailslot.Writer, star(name), { network = false, key_file = open }).code, mailslot.E_ACCESS,
       "0644 writer")
    eq(raises(mailslot.Reader, unique("missing"), { key_file = private .. ".missing" }).code,
       mailslot.E_NOT_FOUND, "missing")
  end)
  os.remove(private)
  os.remove(open)
  if not ok then
    error(err, 0)
  end
end)

-- ---- the library's log messages ---------------------------------------------

test("log levels are constants", function()
  eq(mailslot.LOG_ERROR, 1, "LOG_ERROR")
  eq(mailslot.LOG_WARNING, 2, "LOG_WARNING")
  eq(mailslot.LOG_INFO, 3, "LOG_INFO")
  eq(mailslot.LOG_DEBUG, 4, "LOG_DEBUG")
  eq(raises(mailslot.set_log_handler, 42) ~= nil, true, "a handler is a function")
end)

keys_test("log messages wait for dispatch_log, then reach the handler in this thread", function()
  local got = {}
  mailslot.set_log_handler(function(level, message)
    got[#got + 1] = { level = level, message = message }
  end)
  local ok, err = pcall(function()
    local name = unique("logdrop")
    local r <close> = mailslot.Reader(name, { keys = K1, auth_log = true })
    mailslot.Writer(star(name), { network = false }):write("unsigned")
    wait_counter(r, mailslot.STAT_AUTH_NONE, 1)
    -- The thread that dropped it queues the message just after counting it.
    local n = 0
    local deadline = os.time() + 20
    while n == 0 do
      check(#got == 0, "nothing is delivered but by dispatch_log")
      check(os.time() <= deadline, "a message was queued")
      n = mailslot.dispatch_log()
    end
    eq(n, 1, "messages dispatched")
    eq(#got, 1, "handler calls")
    eq(got[1].level, mailslot.LOG_WARNING, "level")
    check(got[1].message:find("dropped 1 network message (auth_none)", 1, true), got[1].message)
    check(not got[1].message:find("key id", 1, true), "no key id: " .. got[1].message)
    eq(mailslot.dispatch_log(), 0, "nothing more")
  end)
  mailslot.set_log_handler(nil)
  if not ok then
    error(err, 0)
  end
end)

if skipped > 0 then
  print(string.format("%d skipped (network keys need libsodium)", skipped))
end
print(string.format("%d passed, %d failed", passed, failed))
os.exit(failed == 0 and 0 or 1, true) -- true: close the state, running every __gc
