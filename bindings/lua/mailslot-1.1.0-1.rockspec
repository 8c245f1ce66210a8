-- SPDX-License-Identifier: MIT
-- The Lua module `mailslot` (require "mailslot") as a rock: the SWIG binding
-- of bindings/swig/lua.i (with the common bindings/mailslot.i and the shim
-- bindings/swig/shim.c), built against a libmailslot that is already
-- installed (a Lua rock does not ship C libraries for the system: install
-- libmailslot first, e.g. `cmake --install build/default`, then this). Run
-- from the top of the source tree, which is what the build reads:
--
--   luarocks --lua-version 5.4 make bindings/lua/mailslot-1.1.0-1.rockspec
--   luarocks ... make ... MAILSLOT_DIR=/opt/mailslot  (installed elsewhere)
--
-- Needs swig (4.x) and a C compiler on the PATH; MAILSLOT_INCDIR and
-- MAILSLOT_LIBDIR (default MAILSLOT_DIR/include, /lib) locate mailslot.h and
-- libmailslot. The version is abi/mailslot.h's (bindings/lua/tests/rock_test.sh checks).

rockspec_format = "3.0"
package = "mailslot"
version = "1.1.0-1"

source = {
   -- No public repository yet: `luarocks make` builds the tree at hand and
   -- never reads this. Set it to the release's address when there is one.
   url = "git+https://example.invalid/mailslot.git",
   tag = "v1.1.0",
}

description = {
   summary = "Windows-style mailslots for Lua on every platform (SWIG binding of libmailslot)",
   detailed = [[
Readers and writers of Windows-style mailslots (\\.\mailslot\name, and
\\*\mailslot\name across hosts) on Linux, macOS and Windows: mailslot.Reader,
mailslot.Writer, message-at-a-time reads with timeouts, network keys.]],
   license = "MIT",
   labels = { "ipc", "messaging", "mailslot" },
}

-- SWIG's Lua wrapper is built and tested for 5.4 only (bindings/swig).
dependencies = { "lua ~> 5.4" }

external_dependencies = {
   MAILSLOT = { header = "mailslot.h", library = "mailslot" },
}

build = {
   type = "command",
   -- gnu11 like the CMake build of the same wrapper and its shim (bindings/swig).
   build_command = [[
swig -lua -I"$(MAILSLOT_INCDIR)" -Ibindings -o mailslot_wrap.c bindings/swig/lua.i &&
$(CC) $(CFLAGS) -std=gnu11 -I"$(LUA_INCDIR)" -I"$(MAILSLOT_INCDIR)" -Ibindings/swig -c mailslot_wrap.c -o mailslot_wrap.o &&
$(CC) $(CFLAGS) -std=gnu11 -I"$(MAILSLOT_INCDIR)" -c bindings/swig/shim.c -o shim.o &&
$(LD) $(LIBFLAG) -o mailslot.so mailslot_wrap.o shim.o -L"$(MAILSLOT_LIBDIR)" -lmailslot
]],
   install = { lib = { mailslot = "mailslot.so" } },
}
