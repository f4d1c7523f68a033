-- store.lua — the repository of the store in use: store_NAME.lua for the
-- store plugin named NAME (store_sqlite.lua for the sqlite plugin).  The
-- core's Lua asks the store for data only through it, never in SQL of its
-- own, so a store of another kind (a PostgreSQL server) brings its own
-- store_NAME.lua with the same operations instead of a fork of the
-- engine.  Without a store (no plugin, or before it opened) this is an
-- empty table: callers check `db` first, as they always did.
local info = cwsh.store and cwsh.store()
if not info or not db then return {} end
local ok, repo = pcall(require, "store_" .. info.name)
if not ok then
  error(("the store '%s' has no repository (store_%s.lua): %s"):format(info.name, info.name, tostring(repo)), 0)
end
return repo
