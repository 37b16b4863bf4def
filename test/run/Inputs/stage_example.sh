#!/usr/bin/env bash
# Prepares a fresh working directory to run an example in, since an example's
# paths are relative to the working directory: DIR/data (a copy of the
# example's data, or a symlink to DATA_DIR when given) and an empty DIR/out.
# Prints the path of the example's .weir file.
#
# usage: stage_example.sh EXAMPLES_DIR NAME DIR [DATA_DIR]
set -eu
examples=$1 name=$2 dir=$3 data=${4:-}
weir_file=$examples/$name/$name.weir example_data=$examples/$name/data
rm -rf "$dir"
mkdir -p "$dir/out"
if [[ -n $data ]]; then
  ln -s "$data" "$dir/data"
else
  cp -r "$example_data" "$dir/data"
fi
echo "$weir_file"
