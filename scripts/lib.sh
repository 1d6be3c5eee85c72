# Shared shell helpers for the project's scripts. Source it; do not run it.

# Finds a JDK 25 or newer and exports JAVA_HOME; fails loudly when there is none.
gatekit_find_jdk() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk /usr/lib/jvm/java-25-openjdk-amd64)
  local home major
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/java" ] || continue
    major="$(gatekit_java_major "$home")"
    if [ -n "$major" ] && [ "$major" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$home"
      return 0
    fi
  done
  echo "gatekit: JDK 25 or newer not found. Set JAVA_HOME to a JDK 25 install (looked in: ${candidates[*]})." >&2
  return 1
}

# Prints the feature release of the JDK or runtime image at $1 (25 for 25.0.3): from its release file, which every
# JDK and jlink image has (reading it costs nothing; starting that java to ask costs a JVM start), else from java.
gatekit_java_major() {
  local home="$1" version="" line
  if [ -r "$home/release" ]; then
    while IFS= read -r line; do
      case "$line" in
        JAVA_VERSION=*) version="${line#JAVA_VERSION=\"}"; version="${version%%[!0-9]*}"; break ;;
      esac
    done < "$home/release"
  fi
  if [ -z "$version" ]; then
    version="$("$home/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2}')"
  fi
  echo "$version"
}

# True when target/gatekit.jar is missing or older than any source, resource or build file.
gatekit_jar_stale() {
  local root="$1" jar="$1/target/gatekit.jar"
  [ -f "$jar" ] || return 0
  [ -n "$(find "$root/pom.xml" "$root/src/main" -newer "$jar" -print -quit 2>/dev/null)" ]
}
