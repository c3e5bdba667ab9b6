package dev.caravan.dashboard;

import dev.caravan.e2e.GatewayTestBase;
import dev.caravan.simulator.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.File;
import java.math.BigDecimal;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in a real headless browser: Debian's chromium driven through its chromedriver (bin/caravan test
 * installs both where apt can), against a real gateway in front of the provider simulator. Traffic first (three
 * successes, one of them streamed, a failure and a fallback), then the page: a wrong key is refused on the sign-in
 * form, the admin key shows charts drawn from that traffic, the circuits and a budget, the log filtered by model and
 * one request's attempts. Screenshots go to target/dashboard-screenshots/ (docs/dashboard.png is one of them).
 */
class DashboardChromiumTest extends GatewayTestBase {

    static final String ADMIN_KEY = "cvn-test-dashboard-admin-key-24680";
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target/dashboard-screenshots");
    private static final String FALLBACK_MODEL = "anthropic/claude-haiku-4.5";

    private static WebDriver browser;

    @DynamicPropertySource
    static void adminKey(DynamicPropertyRegistry registry) {
        registry.add("CARAVAN_ADMIN_KEY", () -> ADMIN_KEY);
    }

    @BeforeAll
    static void startBrowser() throws IOException {
        // no silent skip: a missing browser is a failure, in CI above all (bin/caravan test installs it)
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
                .as("DashboardChromiumTest needs Debian's chromium and chromedriver (apt-get install -y chromium "
                        + "chromium-driver; bin/caravan test installs them where apt-get is available)")
                .isTrue();
        Files.createDirectories(SCREENSHOTS);
        ChromeOptions options = new ChromeOptions();
        // an explicit binary and driver: Selenium Manager, which would download them, is never started
        options.setBinary(CHROMIUM.toFile());
        // the closed network makes chromium's own background calls hang without these
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1300",
                "--user-data-dir=" + Files.createTempDirectory("caravan-chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void shows_the_traffic_just_served_filters_the_log_and_opens_a_requests_attempts() throws Exception {
        // a budget on the environment's key before the traffic, so that its spend shows against the limit
        HttpResponse<String> budget = admin(HttpRequest.newBuilder(uri("/v1/admin/budgets"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"scope\":\"key\",\"subject\":\"env\",\"limitUsd\":10}")));
        assertThat(budget.statusCode()).as(budget.body()).isEqualTo(201);
        generateTraffic();
        String spent = json(admin(HttpRequest.newBuilder(uri("/v1/admin/budgets")).GET()).body())
                .path("data").get(0).path("spentUsd").asText();
        assertThat(new BigDecimal(spent)).isPositive();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));

        browser.get("http://127.0.0.1:" + port + "/dashboard");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login")));
        signIn("cvn-not-the-admin-key-000000000");
        WebElement loginError = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-error")));
        assertThat(loginError.getText()).startsWith("Sign-in refused").contains("admin key");
        assertThat(browser.findElement(By.id("dashboard")).isDisplayed()).isFalse();
        screenshot("login-refused");

        signIn(ADMIN_KEY);
        wait.until(d -> d.findElement(By.tagName("body")).getAttribute("data-loaded") != null);
        assertThat(browser.findElement(By.id("total-requests")).getText()).isEqualTo("5");
        assertThat(browser.findElement(By.id("total-errors")).getText()).isEqualTo("1");
        for (String chart : List.of("spend", "requests", "latency", "ttft")) {
            assertThat(browser.findElements(By.cssSelector("#chart-" + chart + " canvas"))).as(chart).hasSize(1);
        }
        // the charts' data as uPlot holds it: requests add up to the five sent, spend and latency are drawn
        assertThat(js("return caravanCharts.requests.data[1].reduce((a, b) => a + b, 0)")).isEqualTo(5L);
        assertThat(js("return caravanCharts.requests.data[2].reduce((a, b) => a + b, 0)")).isEqualTo(1L);
        assertThat(js("return caravanCharts.spend.data[1].some(v => v > 0)")).isEqualTo(true);
        assertThat(js("return caravanCharts.latency.data[1].some(v => v > 0)")).isEqualTo(true);
        assertThat(js("return caravanCharts.ttft.data[1].some(v => v !== null)")).isEqualTo(true);
        assertThat(js("return caravanCharts.spend.series.map(s => s.label).join(',')").toString())
                .contains("openai/gpt-5-mini", FALLBACK_MODEL);
        assertThat(browser.findElement(By.id("providers")).getText()).contains("openai", "anthropic", "CLOSED");
        assertThat(browser.findElement(By.id("budgets")).getText()).contains("key env", "$" + spent + " of $10");
        assertThat(logRows()).hasSize(5);
        assertThat(browser.findElement(By.id("log")).getText()).contains("openai/gpt-5-mini",
                "openai/gpt-5 → " + FALLBACK_MODEL);
        screenshot("dashboard");

        WebElement model = browser.findElement(By.cssSelector("#log-filters input[name=model]"));
        model.sendKeys(FALLBACK_MODEL);
        browser.findElement(By.cssSelector("#log-filters button[type=submit]")).click();
        wait.until(d -> logRows().size() == 1);
        assertThat(logRows().getFirst().getText()).contains(FALLBACK_MODEL, "anthropic");
        screenshot("log-filtered");

        logRows().getFirst().click();
        WebElement detail = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("detail")));
        List<WebElement> attempts = detail.findElements(By.cssSelector("#detail-attempts tbody tr"));
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).getText()).contains("openai", "failed", "503");
        assertThat(attempts.get(1).getText()).contains("anthropic", FALLBACK_MODEL, "served", "200");
        screenshot("request-detail");
    }

    /** Five requests the log must show: three served (one streamed), one failed, one served by a fallback. */
    private void generateTraffic() throws Exception {
        SIMULATOR.enqueue(Reply.text("Hello").usage(1000, 200), Reply.text("Hello again").usage(500, 50),
                Reply.text("A streamed hello").chunks(3).usage(300, 30));
        assertThat(chat(simpleRequest("openai/gpt-5-mini", false)).statusCode()).isEqualTo(200);
        assertThat(chat(simpleRequest("openai/gpt-5-mini", false)).statusCode()).isEqualTo(200);
        assertThat(chat(simpleRequest("openai/gpt-5-mini", true)).statusCode()).isEqualTo(200);
        SIMULATOR.enqueue(Reply.error(500, "boom"));
        assertThat(chat(simpleRequest("openai/gpt-5", false)).statusCode()).isGreaterThanOrEqualTo(500);
        SIMULATOR.enqueue(Reply.error(503, "overloaded"), Reply.text("From the fallback").usage(100, 10));
        HttpResponse<String> fallback = chat("""
                {"model":"openai/gpt-5","messages":[{"role":"user","content":"Say hello"}],
                 "providerOptions":{"gateway":{"models":["%s"]}}}""".formatted(FALLBACK_MODEL));
        assertThat(fallback.statusCode()).as(fallback.body()).isEqualTo(200);
        // usage records are written behind the answers: wait until all five are in the log
        await().atMost(Duration.ofSeconds(10)).until(() -> json(admin(HttpRequest.newBuilder(
                uri("/v1/admin/requests")).GET()).body()).path("data").size() == 5);
    }

    private void signIn(String key) {
        WebElement field = browser.findElement(By.id("admin-key"));
        field.clear();
        field.sendKeys(key);
        browser.findElement(By.cssSelector("#login button[type=submit]")).click();
    }

    private List<WebElement> logRows() {
        return browser.findElements(By.cssSelector("#log tbody tr"));
    }

    private Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private static void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private HttpResponse<String> admin(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.header("Authorization", "Bearer " + ADMIN_KEY).timeout(Duration.ofSeconds(20))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
