-- mix.lua - wrk script for the load test: each connection cycles through
-- a weighted mix of health, auth/me, a list page, a file download and an
-- upload, as one user, and every status is counted. At the end one line
-- per status, "status <code> <count>", is printed for the caller to parse.
--
-- Environment: CV_LOAD_TOKEN (bearer token), CV_LOAD_ANALYSIS_ID (an
-- analysis of that user, for the download), CV_LOAD_UPLOAD (a file holding
-- a multipart/form-data body), CV_LOAD_BOUNDARY (its boundary).

local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    local auth = "Bearer " .. os.getenv("CV_LOAD_TOKEN")
    local id = os.getenv("CV_LOAD_ANALYSIS_ID")
    local f = assert(io.open(os.getenv("CV_LOAD_UPLOAD"), "rb"))
    local upload = f:read("*a")
    f:close()
    local health = wrk.format("GET", "/api/health")
    local me = wrk.format("GET", "/api/auth/me", { Authorization = auth })
    local list = wrk.format("GET", "/api/cv/analyses?limit=20", { Authorization = auth })
    local file = wrk.format("GET", "/api/cv/analyses/" .. id .. "/file", { Authorization = auth })
    local up = wrk.format("POST", "/api/cv/analyses", {
        Authorization = auth,
        ["Content-Type"] = "multipart/form-data; boundary=" .. os.getenv("CV_LOAD_BOUNDARY"),
    }, upload)
    -- weights: health 3, me 3, list 2, download 2, upload 1
    mix = { health, me, list, health, file, me, up, health, list, me, file }
    n = 0
    counts = {}
end

function request()
    n = n + 1
    return mix[(n % #mix) + 1]
end

function response(status, headers, body)
    counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
    local total = {}
    for _, t in ipairs(threads) do
        for status, c in pairs(t:get("counts")) do
            total[status] = (total[status] or 0) + c
        end
    end
    for status, c in pairs(total) do
        io.write(string.format("status %d %d\n", status, c))
    end
    io.write(string.format("latency_p50_ms %.1f\n", latency:percentile(50) / 1000))
    io.write(string.format("latency_p99_ms %.1f\n", latency:percentile(99) / 1000))
    io.write(string.format("errors connect %d read %d write %d timeout %d status %d\n",
        summary.errors.connect, summary.errors.read, summary.errors.write,
        summary.errors.timeout, summary.errors.status))
end
