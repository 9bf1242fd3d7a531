package dev.slhf.serve.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The three probes Kubernetes uses, on the real endpoints the manifests name. */
@QuarkusTest
class HealthTest {

    @Test
    void readyOnceEveryModelHasWarmedUp() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (given().get("/q/health/ready").statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'models' }.data.tiny", equalTo("ready"));
        given().get("/q/health/started").then().statusCode(200)
                .body("checks.name", hasItem("models-warmed-up"));
        given().get("/q/health/live").then().statusCode(200)
                .body("checks.find { it.name == 'engines' }.status", equalTo("UP"));
    }
}
