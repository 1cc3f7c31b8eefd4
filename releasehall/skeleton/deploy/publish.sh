#!/usr/bin/env bash
# Release Hall on your own server: check out BRANCH of the hall's git repository, check it,
# build it and rsync the result into the web root. Run by the git post-receive hook on every
# push and by releasehall-publish.timer every hour (minute 5, Asia/Shanghai).
#
# Settings (environment, or /etc/releasehall/publish.env for the systemd units):
#   RELEASEHALL_REPO      the hall's bare repository            (required, e.g. /srv/git/hall.git)
#   RELEASEHALL_WEB_ROOT  the folder the web server serves      (required, e.g. /var/www/hall)
#   RELEASEHALL_WORK      checkout, build cache and staging     (default /var/lib/releasehall)
#                         and the key that signs the cache       ($RELEASEHALL_WORK/key/releasehall/key,
#                         made on the first run, outside the checkout; or set RELEASEHALL_CACHE_KEY)
#   RELEASEHALL_BRANCH    the branch that is published          (default main)
#   RELEASEHALL           the command                           (default releasehall)
#
# Never publishes a failed check or build: it stops before rsync and the web root stays as it
# was; the errors (file:line) go to stderr, which git shows the pusher as "remote: …".
set -euo pipefail
: "${RELEASEHALL_REPO:?set RELEASEHALL_REPO to the hall's git repository}"
: "${RELEASEHALL_WEB_ROOT:?set RELEASEHALL_WEB_ROOT to the web server's folder}"
WORK=${RELEASEHALL_WORK:-/var/lib/releasehall}
BRANCH=${RELEASEHALL_BRANCH:-main}
read -r -a RELEASEHALL_CMD <<< "${RELEASEHALL:-releasehall}"
if ! command -v "${RELEASEHALL_CMD[0]}" > /dev/null; then
  echo "releasehall: 找不到命令 ${RELEASEHALL_CMD[0]}，未发布：请安装 releasehall，或在 publish.env 里把 RELEASEHALL 设为它的完整路径 / command ${RELEASEHALL_CMD[0]} not found, nothing published: install releasehall, or set RELEASEHALL in publish.env to its full path (e.g. /opt/releasehall/bin/releasehall)" >&2
  exit 1
fi
# a hook runs with GIT_DIR set to the pushed repository; our git commands name their own
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_QUARANTINE_PATH
export TZ=${TZ:-Asia/Shanghai}
# the cache key stays between runs, outside the checkout (where a push could plant one)
export XDG_CACHE_HOME=${XDG_CACHE_HOME:-$WORK/key}

mkdir -p "$WORK"
exec 9>"$WORK/.lock"
flock 9  # the hook and the timer never build at the same time

site="$WORK/site"
if [ ! -d "$site/.git" ]; then
  git clone --quiet --branch "$BRANCH" "$RELEASEHALL_REPO" "$site"
fi
git -C "$site" fetch --quiet origin "$BRANCH"
git -C "$site" checkout --quiet --force -B "$BRANCH" FETCH_HEAD
# a clean tree, except the build cache (.cache/releasehall/ is kept between runs)
git -C "$site" clean --quiet -d --force -x -e /.cache/

echo "releasehall: checking $(git -C "$site" rev-parse --short HEAD)"
if ! "${RELEASEHALL_CMD[@]}" check --site "$site"; then
  echo "releasehall: check failed; nothing published, $RELEASEHALL_WEB_ROOT unchanged" >&2
  exit 1
fi
if ! "${RELEASEHALL_CMD[@]}" build --site "$site" --out "$WORK/public"; then
  echo "releasehall: build failed; nothing published, $RELEASEHALL_WEB_ROOT unchanged" >&2
  exit 1
fi
mkdir -p "$RELEASEHALL_WEB_ROOT"
# --delay-updates: files are renamed into place at the end, so readers never see half a file
rsync --recursive --links --times --checksum --delete --delay-updates "$WORK/public/" "$RELEASEHALL_WEB_ROOT/"
echo "releasehall: published to $RELEASEHALL_WEB_ROOT"
