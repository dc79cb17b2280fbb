# Writes curl configs for `count` POSTs to `url`, numbered from `first`, spread
# over `posters` files in `dir` (one curl process each, one connection each).
# The entries are the largest a client may send: users with a 100-emoji name
# and a 254-character upper-case e-mail address (kept twice: as sent and
# lower-cased), orders with a 200-emoji item for the users 1..`users`.
# Each answer is written out as "status content-type location".
# Variables (awk -v): dir, url, kind (users or orders), first, count, posters, users.

function times(s, n,   out) { out = ""; while (n-- > 0) out = out s; return out }

BEGIN {
  emoji = "\360\237\230\200"
  name = times(emoji, 100); item = times(emoji, 200)
  domain = times("X", 63) "." times("X", 63) "." times("Y", 57) ".ORG"
  for (i = 0; i < count; i++) {
    n = first + i
    if (kind == "users") {
      body = sprintf("{\\\"name\\\":\\\"%s\\\",\\\"email\\\":\\\"%s%010d@%s\\\"}", name, times("U", 54), n, domain)
    } else {
      body = sprintf("{\\\"userId\\\":%d,\\\"item\\\":\\\"%s\\\",\\\"quantity\\\":1000,\\\"unitPrice\\\":\\\"999999.99\\\"}",
        n % users + 1, item)
    }
    file = dir "/" (i % posters) ".cfg"
    if (i >= posters) print "next" > file
    printf "url = \"%s\"\nheader = \"Content-Type: application/json\"\ndata = \"%s\"\noutput = /dev/null\n", url, body > file
    print "write-out = \"%{http_code} %{content_type} %header{location}\\n\"" > file
  }
}
