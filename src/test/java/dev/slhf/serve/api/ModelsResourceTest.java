package dev.slhf.serve.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ModelsResourceTest {

    @Test
    void listsLoadedModelsInTheOpenAiShape() {
        given().when().get("/v1/models").then().statusCode(200)
                .body("object", equalTo("list"))
                .body("data.id", hasItem("tiny"))
                .body("data[0].object", equalTo("model"))
                .body("data[0].owned_by", equalTo("slhf-serve"))
                .body("data[0].max_model_len", equalTo(1024));
    }
}
