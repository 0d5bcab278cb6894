-- wrk script for eval/bench/serve_load.sh: GET /api/search for each query of a TSV file
-- (id<TAB>text), in turn from a different starting point per thread, with one scorer.
--   wrk ... -s serve_load.lua URL -- QUERIES.tsv SCORER K
local queries = {}
local i = 0
local scorer, k = "bm25", "10"

local function encode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  local path = args[1]
  scorer = args[2] or scorer
  k = args[3] or k
  for line in io.lines(path) do
    local text = line:match("^[^\t]*\t(.*)$")
    if text and #text > 0 then queries[#queries + 1] = encode(text) end
  end
  i = math.random(#queries)
end

function request()
  i = i % #queries + 1
  return wrk.format("GET", "/api/search?scorer=" .. scorer .. "&k=" .. k .. "&q=" .. queries[i])
end
