package dev.slhf.serve.api.openapi;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The OpenAPI document as the running test server serves it. Saved under target/openapi so that
 * .ci/run can lint exactly this document with Redocly after the build.
 */
final class ServedDocument {

    private ServedDocument() {}

    static String fetch() {
        return given().get("/q/openapi?format=json").then().statusCode(200).extract().asString();
    }

    static Path save(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, fetch());
        return file;
    }
}
