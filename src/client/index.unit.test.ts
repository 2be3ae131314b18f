/** The typed client against a fake fetch: what it sends, what it answers, and what does not compile. */
import { describe, expect, it } from "vitest";
import { createRidesClient, type Problem } from "./index";

function fakeApi(status: number, body: unknown, contentType = "application/json") {
  const seen: Request[] = [];
  const fetch = async (request: Request) => {
    seen.push(request);
    return new Response(JSON.stringify(body), { status, headers: { "content-type": contentType } });
  };
  return { seen, fetch };
}

const place = { lat: 37.5219, lng: 126.9245 };

describe("createRidesClient", () => {
  it("sends the bearer token, the path parameters and the JSON body where the document says", async () => {
    const api = fakeApi(200, { id: "rd_1", status: "cancelled" });
    const client = createRidesClient("https://api.test", "tok.en", { fetch: api.fetch });
    const { data, error } = await client.POST("/v1/rides/{id}/cancel", { params: { path: { id: "rd_1" } }, body: { reason: "changed my mind" } });
    expect(error).toBeUndefined();
    expect(data?.status).toBe("cancelled");
    const sent = api.seen[0];
    expect(sent?.method).toBe("POST");
    expect(sent?.url).toBe("https://api.test/v1/rides/rd_1/cancel");
    expect(sent?.headers.get("authorization")).toBe("Bearer tok.en");
    expect(await sent?.json()).toEqual({ reason: "changed my mind" });
  });

  it("sends no Authorization header without a token, and headers the operation declares", async () => {
    const api = fakeApi(202, { id: "rd_2" });
    const client = createRidesClient("https://api.test", undefined, { fetch: api.fetch });
    await client.POST("/v1/rides", {
      params: { header: { "idempotency-key": "k-1" } },
      body: { pickup: place, dropoff: place, product: "standard", paymentMethod: "pm_card_visa" },
    });
    expect(api.seen[0]?.headers.get("authorization")).toBeNull();
    expect(api.seen[0]?.headers.get("idempotency-key")).toBe("k-1");
  });

  it("answers a problem+json error as the typed Problem", async () => {
    const problem: Problem = { type: "/problems/trip_too_long", title: "The trip is too long to serve", status: 422, code: "trip_too_long", detail: "325 km" };
    const client = createRidesClient("https://api.test", "t", { fetch: fakeApi(422, problem, "application/problem+json").fetch });
    const { data, error, response } = await client.POST("/v1/quotes", { body: { pickup: place, dropoff: place, product: "standard" } });
    expect(data).toBeUndefined();
    expect(response.status).toBe(422);
    expect(error?.code).toBe("trip_too_long");
  });

  it("refuses at compile time what the API would refuse: wrong fields, wrong paths, missing parameters", () => {
    const client = createRidesClient("https://api.test", "t", { fetch: fakeApi(200, {}).fetch });
    // Never sent: these calls exist for the compiler (npm run typecheck fails if any line compiles).
    const typeChecksOnly = () => [
      // @ts-expect-error "pickUp" is not a field of a quote request (it is "pickup")
      client.POST("/v1/quotes", { body: { pickUp: place, dropoff: place, product: "standard" } }),
      // @ts-expect-error "helicopter" is not a product
      client.POST("/v1/quotes", { body: { pickup: place, dropoff: place, product: "helicopter" } }),
      // @ts-expect-error no such path
      client.GET("/v1/ride/{id}", { params: { path: { id: "rd_1" } } }),
      // @ts-expect-error the ride id is required
      client.GET("/v1/rides/{id}", { params: { path: {} } }),
    ];
    expect(typeof typeChecksOnly).toBe("function");
  });

  it("types the answer: a ride's fields and their values", async () => {
    const client = createRidesClient("https://api.test", "t", { fetch: fakeApi(200, { status: "completed" }).fetch });
    const { data } = await client.GET("/v1/rides/{id}", { params: { path: { id: "rd_1" } } });
    // @ts-expect-error a ride has no "state" (it is "status")
    expect(data?.state).toBeUndefined();
    const status: "completed" | "cancelled" | string | undefined = data?.status;
    expect(status).toBe("completed");
  });
});
