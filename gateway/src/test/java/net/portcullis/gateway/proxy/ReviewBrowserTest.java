package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import net.portcullis.policy.store.ListEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The review page in a real browser: Debian's Chromium, headless, driven by Selenium through
 * Debian's chromedriver (both installed by bin/test). A reviewer logs in (after a wrong
 * password), finds a refusal by its ref, reads it, sees the overview's charts, allowlists the
 * sender (a forged form token first, refused) and the sender's next message passes; then
 * releases a held message. The screenshots of docs/review.md are taken here: set
 * PORTCULLIS_SCREENSHOTS=docs/review to write them there (default: gateway/target/screenshots).
 */
class ReviewBrowserTest {
    @TempDir
    Path var;

    @Test
    void aReviewerFindsARefusalAllowlistsItsSenderAndReleasesHeldMail() throws Exception {
        Files.createDirectories(var.resolve("local.d"));
        Files.writeString(var.resolve("local.d/90-hold.rules"), HoldEndToEndTest.HOLD_RULE);
        try (GatewayHarness gw = GatewayHarness.withWiser(var, ReviewHttp.yaml(ReviewHttp.accounts(var)))) {
            gw.gateway.listStore().put(new ListEntry(0, ListEntry.Color.BLACK, ListEntry.Kind.ADDRESS, "news@other.org",
                    "3 spam reports", "reports", Instant.now(), null));
            gw.gateway.lists().load();
            String ref = DecisionStoreEndToEndTest.ref(ReviewPageTest.send(gw, "news@other.org", 554));
            ReviewPageTest.send(gw, "colleague@partner.example", 250);
            String held = HoldEndToEndTest.deliver(gw);
            DecisionStoreEndToEndTest.awaitStored(gw, 3);
            String base = "http://127.0.0.1:" + gw.gateway.adminPort();

            WebDriver browser = chromium();
            try {
                browser.get(base + "/review/");
                assertThat(browser.getCurrentUrl()).startsWith(base + "/review/login");
                logIn(browser, "ann", "not the password");
                assertThat(text(browser, ".notice.error")).isEqualTo("Wrong account name or password.");
                shot(browser, "login");
                logIn(browser, "ann", ReviewHttp.PASSWORD);
                arrive(browser, base + "/review/");
                assertThat(browser.findElements(By.cssSelector("#decisions tbody tr"))).hasSize(3);
                shot(browser, "decisions");

                browser.findElement(By.id("ref")).sendKeys(ref.toLowerCase());
                browser.findElement(By.id("find")).click();
                arrive(browser, base + "/review/d/" + ref);
                assertThat(text(browser, "#verdict-value")).isEqualTo("rejected");
                assertThat(text(browser, "#rules")).contains("locally-blacklisted-sender");
                assertThat(text(browser, "#signals")).contains("blacklist.sender");
                assertThat(text(browser, "#explain")).contains("ref " + ref, "REJECTED", "news@other.org");
                shot(browser, "detail");

                browser.findElement(By.linkText("Overview")).click();
                text(browser, "#refusals-by-rule svg");
                WebElement chart = browser.findElement(By.cssSelector("#refusals-by-rule svg"));
                assertThat(chart.isDisplayed()).isTrue();
                assertThat(chart.getSize().getHeight()).isGreaterThan(100);
                assertThat(chart.findElements(By.tagName("rect"))).isNotEmpty();
                assertThat(text(browser, "#refusals-by-rule figcaption")).contains("locally-blacklisted-sender 1");
                assertThat(text(browser, "#top-domains")).contains("other.org");
                shot(browser, "overview");

                // a forged form token: the action is refused and nothing is listed
                browser.get(base + "/review/d/" + ref);
                WebElement allow = browser.findElement(By.id("allow-sender"));
                ((JavascriptExecutor) browser).executeScript("arguments[0].querySelector('input[name=csrf]').value = 'forged'", allow);
                allow.findElement(By.name("reason")).sendKeys("forged");
                allow.findElement(By.tagName("button")).click();
                assertThat(text(browser, ".notice.error")).contains("does not match your session");
                assertThat(gw.gateway.listStore().all()).noneMatch(e -> e.color() == ListEntry.Color.WHITE);

                browser.get(base + "/review/d/" + ref);
                allow = browser.findElement(By.id("allow-sender"));
                allow.findElement(By.name("reason")).sendKeys("a newsletter our users subscribed to");
                allow.findElement(By.tagName("button")).click();
                assertThat(text(browser, ".notice")).isEqualTo("Allowlisted address news@other.org for 30d.");
                shot(browser, "allowlisted");
                ReviewPageTest.send(gw, "news@other.org", 250);
                assertThat(gw.downstream().getMessages()).extracting(m -> m.getEnvelopeSender())
                        .contains("news@other.org");

                browser.findElement(By.linkText("Held mail")).click();
                assertThat(text(browser, "#held")).contains(held, "hold-for-review", "u1@example.net, u2@example.net");
                shot(browser, "held");
                WebElement release = browser.findElement(By.id("release-" + held));
                release.findElement(By.name("reason")).sendKeys("expected report from a partner");
                release.findElement(By.tagName("button")).click();
                assertThat(text(browser, ".notice")).startsWith("released " + held + " to 2 recipient(s)");
                assertThat(gw.downstream().getMessages()).filteredOn(m -> m.getEnvelopeSender().equals("a@held.example")).hasSize(2);

                browser.findElement(By.linkText("Actions")).click();
                assertThat(text(browser, "#action-log")).contains("ann", "allow", "a newsletter our users subscribed to", "release",
                        "expected report from a partner");
                shot(browser, "actions");
            } finally {
                browser.quit();
            }
        }
    }

    private static void logIn(WebDriver b, String account, String password) {
        b.findElement(By.id("account")).sendKeys(account);
        b.findElement(By.id("password")).sendKeys(password);
        b.findElement(By.id("login")).click();
    }

    /**
     * Waits (10 s at most) until the browser is at the page a click led to. A form's submission
     * navigates after click() returns, so reading the address at once can still see the old page.
     */
    private static void arrive(WebDriver b, String url) {
        try {
            new org.openqa.selenium.support.ui.WebDriverWait(b, Duration.ofSeconds(10))
                    .until(org.openqa.selenium.support.ui.ExpectedConditions.urlToBe(url));
        } catch (org.openqa.selenium.TimeoutException e) {
            assertThat(b.getCurrentUrl()).isEqualTo(url);
        }
    }

    /** The element's text, waiting (10 s at most) for the page a click led to: a loaded machine is slow. */
    private static String text(WebDriver b, String css) {
        return new org.openqa.selenium.support.ui.WebDriverWait(b, Duration.ofSeconds(10))
                .until(org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated(By.cssSelector(css))).getText();
    }

    /** Debian's Chromium, headless, with no network of its own beyond the page (the flags the machine notes ask for). */
    /**
     * Selenium logs through java.util.logging, around our capture: its "no CDP implementation for
     * Chromium N" warning is about DevTools, which these tests do not use. Held here because JUL keeps
     * its loggers weakly.
     */
    private static final java.util.logging.Logger SELENIUM = java.util.logging.Logger.getLogger("org.openqa.selenium");

    static WebDriver chromium() {
        SELENIUM.setLevel(java.util.logging.Level.SEVERE);
        File chromium = new File("/usr/bin/chromium");
        File driver = new File("/usr/bin/chromedriver");
        assertThat(chromium).as("Debian package chromium (bin/test installs it)").canRead();
        assertThat(driver).as("Debian package chromium-driver (bin/test installs it)").canRead();
        ChromeOptions o = new ChromeOptions();
        o.setBinary(chromium);
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,1000");
        o.setPageLoadTimeout(Duration.ofSeconds(20));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver).usingAnyFreePort().build();
        return new ChromeDriver(service, o);
    }

    private static void shot(WebDriver b, String name) throws java.io.IOException {
        String where = System.getenv("PORTCULLIS_SCREENSHOTS");
        Path dir = where == null || where.isBlank() ? Path.of("target/screenshots") : Path.of("..").resolve(where);
        Files.createDirectories(dir);
        File png = ((TakesScreenshot) b).getScreenshotAs(OutputType.FILE);
        Path to = dir.resolve("review-" + name + ".png");
        Files.copy(png.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(to, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--")); // Selenium's temp file is 0600
    }
}
