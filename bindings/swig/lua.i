/* SPDX-License-Identifier: MIT */
/* lua.i -- the Lua module (require "mailslot"): the glue of bindings/mailslot.i
 * for Lua (error objects, integers, the log queue), the interface, and the
 * Lua-side code that runs when the module loads. */

%module mailslot

/* ---- Lua: error objects {code=, message=}; read's timeout is nil, msg, code */
%{
static int ms_lua_error_tostring(lua_State *L)
{
    lua_getfield(L, 1, "message");
    lua_getfield(L, 1, "code");
    lua_pushfstring(L, "mailslot: %s (code %d)", lua_tostring(L, -2), (int)lua_tointeger(L, -1));
    return 1;
}

/* Pushes {code=..., message=...} with the shared metatable "mailslot.Error". */
static void ms_lua_push_error(lua_State *L)
{
    lua_createtable(L, 0, 2);
    lua_pushinteger(L, shim_error_code());
    lua_setfield(L, -2, "code");
    lua_pushstring(L, shim_error_text());
    lua_setfield(L, -2, "message");
    if (luaL_newmetatable(L, "mailslot.Error")) {
        lua_pushcfunction(L, ms_lua_error_tostring);
        lua_setfield(L, -2, "__tostring");
    }
    lua_setmetatable(L, -2);
}
%}
#define MS_RAISE_ERROR                                                                         \
    ms_lua_push_error(L);                                                                      \
    SWIG_fail

%typemap(in, checkfn="lua_isstring") (const unsigned char *data, size_t len) {
    $1 = (unsigned char *)lua_tolstring(L, $input, &$2);
}
%typemap(out) shim_bytes {
    lua_pushlstring(L, (const char *)shim_bytes_data($1), $1.len);
    shim_bytes_free($1.block);
    SWIG_arg++;
}
/* Numbers are Lua integers: 1.5 is refused rather than truncated, and results
 * are integers (SWIG's defaults push floats: 65536.0). */
%typemap(in, checkfn="lua_isnumber") int {
    lua_Integer v = luaL_checkinteger(L, $input);
    luaL_argcheck(L, v >= INT_MIN && v <= INT_MAX, $input, "out of range");
    $1 = (int)v;
}
%typemap(out) int, unsigned int, long long "lua_pushinteger(L, (lua_Integer)$1); SWIG_arg++;"
/* The optional integers (shim_opt_int): nil leaves one to the environment; an
 * integer goes to the library, which checks its range. */
%{
static int ms_lua_isnil_or_number(lua_State *L, int idx)
{
    return lua_isnil(L, idx) || lua_isnumber(L, idx);
}
%}
%typemap(in, checkfn="ms_lua_isnil_or_number") shim_opt_int {
    if (lua_isnil(L, $input)) {
        $1 = SHIM_UNSET;
    } else {
        lua_Integer v = luaL_checkinteger(L, $input);
        $1 = v == SHIM_UNSET ? SHIM_UNSET + 1 : (long long)v; /* still out of range: E_INVALID */
    }
}
%typemap(in, numinputs=0) unsigned int *max_message_size (unsigned int temp),
                          unsigned int *next_size (unsigned int temp),
                          unsigned int *message_count (unsigned int temp),
                          int *read_timeout_ms (int temp) "$1 = &temp;"
%typemap(argout) unsigned int *max_message_size, unsigned int *next_size,
                 unsigned int *message_count, int *read_timeout_ms
    "lua_pushinteger(L, (lua_Integer)*$1); SWIG_arg++;"

/* A read that times out returns nil, message, code (an expected outcome in
 * Lua); every other failure raises the error object. */
%exception Reader::read {
    shim_error_clear();
    $action
    if (shim_error_code() == MAILSLOT_E_TIMEOUT) {
        lua_pushnil(L);
        lua_pushstring(L, shim_error_text());
        lua_pushinteger(L, shim_error_code());
        return 3;
    }
    if (shim_error_code() != 0) {
        MS_RAISE_ERROR;
    }
}

/* The library's log messages (mailslot_set_log_handler) to a Lua function:
 * mailslot.set_log_handler(fn) (fn(level, message); nil: stderr again) and
 * mailslot.dispatch_log(). A Lua state must only be used by its own thread,
 * and the library logs from its I/O thread too: so the library's handler only
 * copies each message into a bounded queue here, and dispatch_log() calls fn
 * for the queued messages, in the calling (Lua) thread. Messages beyond the
 * queue are counted, and told of as one more WARNING message. The queue and
 * the handler are the process's: one Lua state per process should set it. */
%{
static const char ms_lua_log_key = 0; /* its address: the registry slot of fn */

static int ms_lua_set_log_handler(lua_State *L)
{
    shim_log_line line;
    int on = !lua_isnoneornil(L, 1);
    if (on)
        luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, 1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &ms_lua_log_key);
    mailslot_set_log_handler(on ? shim_log_queue_push : NULL, NULL);
    while (!on && shim_log_queue_pop(&line)) /* nobody will take them now */
        free(line.text);
    return 0;
}

/* Calls the handler for each queued message, oldest first; returns how many.
 * An error of the handler propagates, and the messages after it stay queued. */
static int ms_lua_dispatch_log(lua_State *L)
{
    lua_Integer n = 0;
    shim_log_line line;
    while (shim_log_queue_pop(&line)) {
        lua_rawgetp(L, LUA_REGISTRYINDEX, &ms_lua_log_key);
        lua_pushinteger(L, line.level);
        lua_pushstring(L, line.text);
        free(line.text);
        if (lua_isfunction(L, -3)) {
            lua_call(L, 2, 0);
            n++;
        } else {
            lua_pop(L, 3);
        }
    }
    lua_pushinteger(L, n);
    return 1;
}
%}
%native(set_log_handler) int ms_lua_set_log_handler(lua_State *L);
%native(dispatch_log) int ms_lua_dispatch_log(lua_State *L);

%include "mailslot.i"

/* Runs when the module loads: Lua-style constructor options, to-be-closed
 * variables, and no global (require "mailslot" returns the module). */
%luacode {
  local M = mailslot
  mailslot = nil
}
/* The tables made from abi/constants.txt (setting_fields), generated into
 * the source tree: the rock runs SWIG without CMake. */
%insert("luacode") "swig/lua_tables.lua"
%luacode {

  -- local r <close> = mailslot.Reader(...) closes r when the scope ends;
  -- __gc (from SWIG) frees it when it is collected.
  for _, class in ipairs({ M.Reader, M.Writer }) do
    getmetatable(class)[".instance"].__close = function(self) self:close() end
  end

  -- Checks an options table: a table (or nil) with known keys only.
  local function options_of(what, options, known)
    if options == nil then
      return {}
    end
    if type(options) ~= "table" then
      error("mailslot." .. what .. ": options must be a table", 3)
    end
    for key in pairs(options) do
      if not known[key] then
        error("mailslot." .. what .. ": unknown option " .. tostring(key), 3)
      end
    end
    return options
  end

  -- network, auth_migration, auth_log: a boolean (or 0/1, passed on for the
  -- library to check); nil leaves it, like every network option, to the
  -- environment.
  local function flag(value)
    if value == true then
      return 1
    elseif value == false then
      return 0
    end
    return value
  end

  -- domain: "a,b" or { "a", "b" }.
  local function domains(value)
    if type(value) == "table" then
      return table.concat(value, ",")
    end
    return value
  end

  -- mailslot.Reader(name [, options]) with options a table of
  -- max_message_size, read_timeout_ms, queue_limit, allow_any_user (boolean),
  -- network (boolean), port, domain (string or list), interface, and the
  -- network keys: keys (key file text) or key_file (a path), replay_window,
  -- time_window_ms, auth_migration (boolean), auth_log (boolean); legacy
  -- (boolean: the format of Windows hosts) and netbios_name.
  local reader_class = getmetatable(M.Reader)
  local new_reader = reader_class.__call
  local reader_known = { max_message_size = true, read_timeout_ms = true, queue_limit = true,
                         allow_any_user = true, network = true, port = true, domain = true,
                         interface = true, keys = true, key_file = true, replay_window = true,
                         time_window_ms = true, auth_migration = true, auth_log = true,
                         legacy = true, netbios_name = true }
  reader_class.__call = function(class, name, options)
    if options == nil then
      return new_reader(class, name)
    end
    local o = options_of("Reader", options, reader_known)
    return new_reader(class, name, o.max_message_size or 0, o.read_timeout_ms or M.WAIT_FOREVER,
                      o.queue_limit or 0, o.allow_any_user and 1 or 0, flag(o.network), o.port,
                      domains(o.domain), o.interface, o.keys, o.key_file, o.replay_window,
                      o.time_window_ms, flag(o.auth_migration), flag(o.auth_log), flag(o.legacy),
                      o.netbios_name)
  end

  -- mailslot.Writer(name [, options]) with options a table of network
  -- (boolean), port, ttl, domain (string or list), interface, keys or
  -- key_file, suite (1 signs, 2 signs and encrypts), legacy (boolean: the
  -- format of Windows hosts) and netbios_name.
  local writer_class = getmetatable(M.Writer)
  local new_writer = writer_class.__call
  local writer_known = { network = true, port = true, ttl = true, domain = true, interface = true,
                         keys = true, key_file = true, suite = true, legacy = true,
                         netbios_name = true }
  writer_class.__call = function(class, name, options)
    if options == nil then
      return new_writer(class, name)
    end
    local o = options_of("Writer", options, writer_known)
    return new_writer(class, name, flag(o.network), o.port, o.ttl, domains(o.domain), o.interface,
                      o.keys, o.key_file, o.suite, flag(o.legacy), o.netbios_name)
  end

  -- r:stats() -> a table of every counter of the header (M.STAT_*), each a
  -- snapshot, named as `mailslot stats` prints it (STAT_NET_RECEIVED:
  -- net_received).
  local stat_keys = {}
  for name, key in pairs(M) do
    local counter = type(name) == "string" and name:match("^STAT_(.+)$")
    if counter then
      stat_keys[counter:lower()] = key
    end
  end
  getmetatable(M.Reader)[".instance"][".fn"].stats = function(self)
    local stats = {}
    for field, key in pairs(stat_keys) do
      stats[field] = self:get_int(key)
    end
    return stats
  end

  -- r:settings() -> a table of the settings of the reader in effect, wherever they
  -- came from (options, environment, defaults); keys is the number of keys; the
  -- flags are booleans. Its fields are those abi/constants.txt marks settings.
  getmetatable(M.Reader)[".instance"][".fn"].settings = function(self)
    local settings = {}
    for _, f in ipairs(setting_fields) do
      local value = self:get_int(f[2])
      if f[3] then
        value = value ~= 0
      end
      settings[f[1]] = value
    end
    return settings
  end
}
