package io.gatekit.config;

import static io.gatekit.config.ConfigTesting.problems;
import static io.gatekit.config.ConfigTesting.withUpstreams;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each kind of mistake is reported with the file, line, column and field a user needs to fix it. */
class ConfigProblemsTest {

    @Test
    void parse_uppercaseName_reportsPatternAtName() {
        List<ConfigProblem> problems = problems(withUpstreams("    - name: GitHub\n      command: [x]\n"));

        assertThat(problems).singleElement().hasToString(
                "test.yaml:4:13: proxy.upstreams[0].name: must start with a lowercase letter and contain only"
                        + " a-z, 0-9, '_' and '-'");
    }

    @Test
    void parse_duplicateName_reportsSecondOccurrence() {
        List<ConfigProblem> problems = problems(withUpstreams("""
                    - name: github
                      command: [a]
                    - name: github
                      command: [b]
                """));

        assertThat(problems).singleElement().hasToString("test.yaml:6:13: proxy.upstreams[1].name: duplicate"
                + " upstream name 'github' (first used at proxy.upstreams[0])");
    }

    @Test
    void parse_doubleUnderscoreInName_reportsNamespaceClash() {
        List<ConfigProblem> problems = problems(withUpstreams("    - {name: my__server, command: [x]}\n"));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.location()).isEqualTo(new SourceLocation("test.yaml", 4, 14, "proxy.upstreams[0].name"));
            assertThat(p.message()).contains("must not contain '__'");
        });
    }

    @Test
    void parse_stdioWithoutCommand_reportsAtUpstream() {
        List<ConfigProblem> problems = problems(withUpstreams("""
                    - name: ok
                      command: [x]
                    - name: broken
                      env: {A: b}
                """));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.location()).isEqualTo(new SourceLocation("test.yaml", 6, 7, "proxy.upstreams[1].command"));
            assertThat(p.message()).startsWith("a stdio upstream needs a command");
        });
    }

    @Test
    void parse_httpWithoutUrl_reportsMissingUrl() {
        List<ConfigProblem> problems = problems(withUpstreams("    - {name: remote, transport: http}\n"));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.location().field()).isEqualTo("proxy.upstreams[0].url");
            assertThat(p.location().line()).isEqualTo(4);
            assertThat(p.message()).startsWith("an http upstream needs a url");
        });
    }

    @Test
    void parse_misspeltKey_suggestsKnownKey() {
        List<ConfigProblem> problems = problems(withUpstreams("    - name: a\n      comand: [x]\n"));

        assertThat(problems).extracting(ConfigProblem::toString).contains(
                "test.yaml:5:7: proxy.upstreams[0].comand: unknown key 'comand'; did you mean 'command'?");
    }

    @Test
    void parse_unknownKeyNothingClose_reportsWithoutSuggestion() {
        List<ConfigProblem> problems = problems(withUpstreams("    - {name: a, command: [x], flavour: mint}\n"));

        assertThat(problems).singleElement().hasToString(
                "test.yaml:4:31: proxy.upstreams[0].flavour: unknown key 'flavour'");
    }

    @Test
    void parse_wrongType_reportsExpectedAndActual() {
        List<ConfigProblem> problems = problems(withUpstreams("    - {name: a, command: [x]}\n") + """
                  timeouts:
                    request_timeout: soon
                """);

        assertThat(problems).singleElement().hasToString(
                "test.yaml:6:22: proxy.timeouts.request_timeout: wrong type: expected number, got string");
    }

    @Test
    void parse_yamlSyntaxError_reportsLineAndColumn() {
        List<ConfigProblem> problems = problems("""
                proxy:
                  transport: stdio
                  upstreams: [ {name: a, command: [x] }
                logging: {}
                """);

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.location().file()).isEqualTo("test.yaml");
            assertThat(p.location().line()).isEqualTo(4);
            assertThat(p.location().field()).isEmpty();
            assertThat(p.message()).startsWith("YAML syntax error: ").contains("that starts on line 3");
        });
    }

    @Test
    void parse_tabIndentation_reportsSyntaxErrorOnThatLine() {
        List<ConfigProblem> problems = problems("proxy:\n\ttransport: stdio\n");

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.location().line()).isEqualTo(2);
            assertThat(p.location().column()).isEqualTo(1);
            assertThat(p.message()).contains("TAB");
        });
    }

    @Test
    void parse_emptyOrCommentOnly_reportsEmptyFile() {
        for (String empty : List.of("", "   \n", "# just a comment\n")) {
            assertThat(problems(empty)).singleElement()
                    .hasToString("test.yaml:1:1: configuration file is empty; it needs at least a 'proxy' section");
        }
    }

    @Test
    void parse_severalMistakes_reportsAllInFileOrder() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigTesting.parse("""
                proxy:
                  transport: stdio
                  timeouts: {request_timeout: -1}
                  upstreams:
                    - name: Bad
                      command: [x]
                    - name: dup
                      command: [x]
                    - name: dup
                logging:
                  levle: INFO
                """));

        assertThat(e.problems()).extracting(p -> p.location().line() + " " + p.location().field()).containsExactly(
                "3 proxy.timeouts.request_timeout",
                "5 proxy.upstreams[0].name",
                "9 proxy.upstreams[2].command",
                "9 proxy.upstreams[2].name",
                "11 logging.levle");
        assertThat(e.getMessage().lines()).hasSize(5)
                .allSatisfy(line -> assertThat(line).matches("test\\.yaml:\\d+:\\d+: \\S+: .+"));
        assertThat(e.getMessage()).contains("did you mean 'level'?");
    }

    @Test
    void parse_pluginsUnderProxy_saysToMoveThemToTopLevel() {
        List<ConfigProblem> problems = problems(withUpstreams("    - {name: a, command: [x]}\n") + """
                  plugins:
                    security: {}
                """);

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.location()).isEqualTo(new SourceLocation("test.yaml", 5, 3, "proxy.plugins"));
            assertThat(p.message()).contains("belongs at the top level");
        });
    }

    @Test
    void parse_modernEraOnAStdioUpstream_reportsAtProtocolEra() {
        List<ConfigProblem> problems = problems(withUpstreams("""
                    - name: fs
                      command: [x]
                      protocol_era: modern
                """));

        assertThat(problems).singleElement().hasToString("test.yaml:6:21: proxy.upstreams[0].protocol_era: modern (the"
                + " stateless 2026-07-28 era) needs transport: http; use auto or legacy for a stdio upstream");
    }

    @Test
    void parse_unknownProtocolEra_listsTheChoices() {
        List<ConfigProblem> problems = problems(withUpstreams("""
                    - name: fs
                      command: [x]
                      protocol_era: newest
                """));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.location().field()).isEqualTo("proxy.upstreams[0].protocol_era");
            assertThat(p.message()).contains("auto").contains("legacy").contains("modern");
        });
    }

    @Test
    void parse_sandboxGlob_isRejected() {
        List<ConfigProblem> problems = problems(withUpstreams("""
                    - name: fs
                      command: [x]
                      sandbox: {enabled: true, paths: [~/docs, ~/src/*], network: false}
                """));

        assertThat(problems).singleElement().hasToString("test.yaml:6:48: proxy.upstreams[0].sandbox.paths[1]:"
                + " '~/src/*' is a glob; list each directory or file to expose");
    }

    @Test
    void parse_sandboxOnHttpUpstream_isRejected() {
        List<ConfigProblem> problems = problems(withUpstreams("""
                    - name: remote
                      transport: http
                      url: https://example.com/mcp
                      sandbox: {enabled: true}
                """));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.location().field()).isEqualTo("proxy.upstreams[0].sandbox.enabled");
            assertThat(p.message()).contains("stdio upstreams only");
        });
    }

    @Test
    void parse_sandboxLimitNotPositive_isReported() {
        List<ConfigProblem> problems = problems(withUpstreams("""
                    - name: fs
                      command: [x]
                      sandbox: {enabled: true, max_memory_mb: 0}
                """));

        assertThat(problems).singleElement().satisfies(
                p -> assertThat(p.location().field()).isEqualTo("proxy.upstreams[0].sandbox.max_memory_mb"));
    }

    @Test
    void parse_pluginScopeNotAnUpstream_reportsScopeWithSuggestion() {
        List<ConfigProblem> problems = problems(withUpstreams("    - {name: github, command: [x]}\n") + """
                plugins:
                  security:
                    _defaults: &common {action: redact}
                    githb:
                      - handler: basic_pii_filter
                        config: *common
                """);

        assertThat(problems).singleElement().hasToString("test.yaml:8:5: plugins.security.githb: no upstream named"
                + " 'githb'; a plugin scope is _global or a name from proxy.upstreams; did you mean 'github'?");
    }

    @Test
    void parse_flattenedPluginOptions_pointsToConfig() {
        List<ConfigProblem> problems = problems(withUpstreams("    - {name: a, command: [x]}\n") + """
                plugins:
                  auditing:
                    _global:
                      - handler: audit_jsonl
                        output_file: audit.jsonl
                """);

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.location().field()).isEqualTo("plugins.auditing._global[0].output_file");
            assertThat(p.location().line()).isEqualTo(9);
            assertThat(p.message()).contains("go inside 'config'");
        });
    }

    @Test
    void parse_httpTransportWithoutHttpSection_reportsAtTransport() {
        List<ConfigProblem> problems = problems("""
                proxy:
                  transport: http
                  upstreams: {name: a, command: [x]}
                """);

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.location()).isEqualTo(new SourceLocation("test.yaml", 2, 14, "proxy.transport"));
            assertThat(p.message()).contains("needs a proxy.http section");
        });
    }

    @Test
    void parse_noUpstreams_reportsAtLeastOneRequired() {
        List<ConfigProblem> problems = problems("proxy:\n  transport: stdio\n  upstreams: []\n");

        assertThat(problems).singleElement().hasToString(
                "test.yaml:3:14: proxy.upstreams: at least one upstream is required");
    }

    @Test
    void parse_missingProxy_reportsRequiredKey() {
        List<ConfigProblem> problems = problems("logging: {level: INFO}\n");

        assertThat(problems).singleElement().hasToString("test.yaml:1:1: proxy: missing required key 'proxy'");
    }

    @Test
    void parse_outOfRangeValues_reportsEach() {
        List<ConfigProblem> problems = problems("""
                proxy:
                  transport: http
                  http: {port: 70000, path: mcp}
                  limits: {max_message_bytes: 1023}
                  upstreams: [{name: a, command: [x]}]
                """);

        assertThat(problems).extracting(ConfigProblem::toString).containsExactly(
                "test.yaml:3:16: proxy.http.port: must have a maximum value of 65535",
                "test.yaml:3:29: proxy.http.path: must start with '/'",
                "test.yaml:4:31: proxy.limits.max_message_bytes: must have a minimum value of 1024");
    }

    @Test
    void parse_badUrl_reportsAtUrl() {
        List<ConfigProblem> problems = problems(withUpstreams("    - {name: r, transport: http, url: ftp://x/y}\n"));

        assertThat(problems).singleElement().hasToString(
                "test.yaml:4:39: proxy.upstreams[0].url: 'ftp://x/y' is not an http:// or https:// URL with a host");
    }

    @Test
    void parse_fileHandlerWithoutPath_reportsAtHandlers() {
        List<ConfigProblem> problems = problems(withUpstreams("    - {name: a, command: [x]}\n")
                + "logging:\n  handlers: [file]\n");

        assertThat(problems).singleElement().hasToString(
                "test.yaml:6:13: logging.handlers: the file handler needs logging.file_path");
    }

    @Test
    void parse_duplicateKey_reportsSecondWithFirstLine() {
        List<ConfigProblem> problems = problems("""
                proxy:
                  transport: stdio
                  upstreams: [{name: a, command: [x]}]
                  transport: stdio
                """);

        assertThat(problems).singleElement().hasToString(
                "test.yaml:4:3: proxy.transport: duplicate key 'transport' (first defined on line 2)");
    }

    @Test
    void parse_secondDocument_isRejected() {
        List<ConfigProblem> problems = problems(withUpstreams("    - {name: a, command: [x]}\n") + "---\nb: 1\n");

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.location().line()).isEqualTo(6);
            assertThat(p.message()).contains("one YAML document");
        });
    }

    @Test
    void parse_yaml11Boolean_suggestsTrueOrFalse() {
        List<ConfigProblem> problems = problems(withUpstreams("    - {name: a, command: [x], enabled: yes}\n"));

        assertThat(problems).singleElement().hasToString("test.yaml:4:40: proxy.upstreams[0].enabled: wrong type:"
                + " expected boolean, got string 'yes'; write true or false");
    }

    @Test
    void parse_commandOfWrongType_namesBothAcceptedTypes() {
        List<ConfigProblem> problems = problems(withUpstreams("    - {name: a, command: 5}\n"));

        assertThat(problems).singleElement().hasToString(
                "test.yaml:4:26: proxy.upstreams[0].command: wrong type: expected array or string, got integer");
    }

    @Test
    void parse_rootNotAMapping_explainsExpectedShape() {
        assertThat(problems("- proxy\n")).singleElement().hasToString(
                "test.yaml:1:1: a configuration is a mapping with a top-level 'proxy' key, not array");
    }

    @Test
    void parse_unknownLogLevel_listsLevels() {
        List<ConfigProblem> problems = problems(withUpstreams("    - {name: a, command: [x]}\n")
                + "logging: {level: verbose}\n");

        assertThat(problems).singleElement().hasToString(
                "test.yaml:5:18: logging.level: must be DEBUG, INFO, WARNING (or WARN), ERROR or CRITICAL");
    }
}
