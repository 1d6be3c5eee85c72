# JVM options and the AOT cache (JEP 514/515) of Gatekit's JVMs. Sourced by ./gatekit, by the distribution's
# bin/gatekit (copied there as lib/jvm.sh) and by scripts/dist; needs bash. Do not run it. See docs/adr/0019.

# The flags of every Gatekit JVM the launchers start, the cache's training run included: a cache is refused by a JVM
# whose flags change object layout or the class path, so training and production use these same words. (A cache is
# keyed by its jar only: after editing these, delete target/gatekit-*.aot so that the next start trains anew.)
GATEKIT_JVM_FLAGS=(
  # One small heap and no concurrent GC threads: the least memory and start-up work for a desktop-sized process.
  -XX:+UseSerialGC
  # The C1 compiler only: at start-up C2 compiles compete with the demo server's JVM for two cores (a third more CPU
  # until the first answer). A desktop client's traffic never needs C2; a busy HTTP gateway can have it back with
  # GATEKIT_JAVA_OPTS="-XX:TieredStopAtLevel=4 -XX:CompileThresholdScaling=1" (later flags win; the cache stays usable).
  -XX:TieredStopAtLevel=1
  # Compile after four times the usual number of calls: most of a start-up's code runs a few times and never again,
  # and compiling it took CPU the two JVMs starting side by side need (~0.1 s less CPU until the first answer).
  -XX:CompileThresholdScaling=4
  # JVM log lines, a refused or damaged cache's warnings among them, go to stderr: stdout is the MCP stream.
  -Xlog:disable -Xlog:all=warning:stderr
)

# Prints the SHA-256 of JAR. Remembered in JAR.sha256 with the jar's size and modification time (whole seconds: what
# tar keeps), so that a start does not hash 8 MB each time; a rebuilt jar has a new modification time. Hashes anew
# when the memo cannot be written.
gatekit_jar_sha256() {
  local jar="$1" memo="$1.sha256" stamp line sha
  stamp="$(stat -c '%s-%Y' "$jar")" || return 1
  if [ -r "$memo" ] && read -r line < "$memo" && [ "${line% *}" = "$stamp" ]; then
    echo "${line##* }"
    return 0
  fi
  sha="$(sha256sum "$jar")" || return 1
  sha="${sha%% *}"
  echo "$stamp $sha" 2>/dev/null > "$memo.$$" && mv -f "$memo.$$" "$memo" 2>/dev/null || rm -f "$memo.$$" 2>/dev/null
  echo "$sha"
}

# Prints the AOT cache file of JAR: beside it, named by its SHA-256. JDK 25.0.3 does not notice that a cache was
# made from another jar (JDK-8377932; it would run the old classes), so a jar's cache is found by its content only.
gatekit_aot_cache_of() {
  local jar="$1" sha dir=.
  sha="$(gatekit_jar_sha256 "$jar")" || return 1
  case "$jar" in */*) dir="${jar%/*}" ;; esac
  echo "$dir/gatekit-$sha.aot"
}

# The stdio session the training run serves: the handshake, every list, a tool call, a ping. Each line is a
# JSON-RPC message; the answers are discarded.
gatekit_aot_training_session() {
  local v='"jsonrpc":"2.0"'
  printf '%s\n' \
    "{$v,\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"gatekit-aot-training\",\"version\":\"1\"}}}" \
    "{$v,\"method\":\"notifications/initialized\"}" \
    "{$v,\"id\":2,\"method\":\"tools/list\"}" \
    "{$v,\"id\":3,\"method\":\"prompts/list\"}" \
    "{$v,\"id\":4,\"method\":\"resources/list\"}" \
    "{$v,\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"demo__echo\",\"arguments\":{\"message\":\"training\"}}}" \
    "{$v,\"id\":6,\"method\":\"ping\"}"
}

# Builds the AOT cache CACHE for JAR with the java JAVA (the one that will use it: a cache belongs to one JVM build).
# The training run is the stdio gateway with the embedded default serving gatekit_aot_training_session, its stdout
# discarded (the JVM prints its cache-building progress there); the JVM then writes the cache, which is moved into
# place only when complete. Other caches beside JAR (of older jars) are removed. Returns non-zero on failure, with
# the training run's log in CACHE.log.
gatekit_aot_build() {
  local jar="$1" cache="$2" java="$3" tmp="$2.$$.tmp"
  rm -f "$tmp"
  if gatekit_aot_training_session | GATEKIT_JVM_OPTIONS="" "$java" "${GATEKIT_JVM_FLAGS[@]}" -XX:AOTCacheOutput="$tmp" \
      -jar "$jar" gateway > /dev/null 2> "$cache.log" && [ -s "$tmp" ]; then
    find "$(dirname "$cache")" -maxdepth 1 -name 'gatekit-*.aot' ! -name "$(basename "$cache")" -delete 2>/dev/null || true
    mv -f "$tmp" "$cache" && rm -f "$cache.log"
  else
    rm -f "$tmp" "$tmp.config"
    return 1
  fi
}

# Sets GATEKIT_JAVA_OPTIONS (an array) to the options to run JAR with: GATEKIT_JVM_FLAGS, plus -XX:AOTCache when
# JAR's cache exists. With "build" as the third argument a missing cache is built first (once per jar: a failed
# build leaves CACHE.failed, and the jar runs without one). GATEKIT_AOT=off runs without any cache. Exports
# GATEKIT_JVM_OPTIONS, the same options as one string, which the embedded default passes to the demo server
# (JDK_JAVA_OPTIONS) so that it starts as fast.
gatekit_java_options() {
  local jar="$1" java="$2" mode="${3:-}" cache="" option quoted=()
  GATEKIT_JAVA_OPTIONS=("${GATEKIT_JVM_FLAGS[@]}")
  if [ "${GATEKIT_AOT:-on}" != off ] && cache="$(gatekit_aot_cache_of "$jar")"; then
    if [ ! -f "$cache" ] && [ ! -f "$cache.failed" ] && [ "$mode" = build ]; then
      echo "gatekit: building the start-up cache $(basename "$cache") (once per build, a few seconds) ..." >&2
      if ! gatekit_aot_build "$jar" "$cache" "$java"; then
        mv -f "$cache.log" "$cache.failed" 2>/dev/null || touch "$cache.failed" 2>/dev/null || true
        echo "gatekit: could not build the start-up cache (see $cache.failed); starting without it" >&2
      fi
    fi
    [ -f "$cache" ] && GATEKIT_JAVA_OPTIONS+=("-XX:AOTCache=$cache")
  fi
  for option in "${GATEKIT_JAVA_OPTIONS[@]}"; do
    option="${option//\\/\\\\}"
    quoted+=("\"${option//\"/\\\"}\"")
  done
  export GATEKIT_JVM_OPTIONS="${quoted[*]}"
}
