#!/usr/bin/env bash
# The docs stay true to the tree: every relative link in a Markdown file of
# the repository resolves (the file, and the heading an #anchor names, by
# GitHub's rule: lower case, punctuation dropped, spaces as hyphens), and
# every script a doc names (cli-scripts/...) exists. One line per broken
# reference; exits non-zero when there is any.
set -Eeuo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The anchors of a Markdown file's headings, one per line.
anchors() {
  grep -E '^#{1,6} ' "$1" | sed -E 's/^#+ +//' | tr '[:upper:]' '[:lower:]' |
    sed -E 's/`//g; s/[^a-z0-9 _-]//g; s/ /-/g'
}

broken=0
while IFS= read -r doc; do
  dir=$(dirname "$doc")
  # Inline links [text](target), outside code spans; absolute URLs and mail skipped.
  while IFS= read -r target; do
    [[ -z $target || $target =~ ^(https?:|mailto:) ]] && continue
    path=${target%%#*} anchor=
    [[ $target == *#* ]] && anchor=${target#*#}
    file=$dir/$path
    [[ -z $path ]] && file=$doc
    if [[ ! -e $file ]]; then
      echo "$doc: link to $target: no such file"; broken=$((broken + 1)); continue
    fi
    if [[ -n $anchor && -f $file && $file == *.md ]] && ! anchors "$file" | grep -qxF "$anchor"; then
      echo "$doc: link to $target: no heading with that anchor in $file"; broken=$((broken + 1))
    fi
  done < <(sed -E 's/`[^`]*`//g' "$doc" | grep -oE '\]\([^) ]+\)' | sed -E 's/^\]\(//; s/\)$//')
  # Scripts named anywhere in the doc.
  while IFS= read -r script; do
    [[ -e $script ]] || { echo "$doc: names $script, which does not exist"; broken=$((broken + 1)); }
  done < <(grep -oE 'cli-scripts/[A-Za-z0-9_./-]+\.(sh|py)' "$doc" | sort -u)
done < <(git ls-files '*.md')
((broken == 0)) || { echo "$broken broken references in the docs"; exit 1; }
echo "every link and script named in the docs resolves"
