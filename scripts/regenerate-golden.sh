#!/usr/bin/env bash
# Rewrites the expected outputs in Tests/RooflineCLITests/Golden from the commands in commands.tsv there. Run from the
# repository root after `swift build`; ROOFLINE overrides the binary. Only for a change that means to alter an output:
# GoldenCLITests holds every later build to these files, and the diff of the files is the change to review.
set -euo pipefail
B=${ROOFLINE:-.build/debug/roofline}
G=Tests/RooflineCLITests/Golden
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
grep -v '^#' "$G/commands.tsv" | while IFS=$'\t' read -r name compare args; do
    read -r -a words <<< "${args//OUT\//$out/}"
    case $compare in
        report)
            rm -rf "${out:?}"/* "$G/$name"
            mkdir -p "$G/$name"
            "$B" "${words[@]}" > /dev/null
            for file in "$out"/*; do
                # The same normalisation as GoldenCLITests: the temporary folder reads OUT, the time line is dropped.
                sed -e "s|$out/|OUT/|g" -e '/^Generated /d' "$file" > "$G/$name/$(basename "$file")"
            done ;;
        *)
            "$B" "${words[@]}" 2> /dev/null > "$G/$name.out" ;;
    esac
done
