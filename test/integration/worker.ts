/** The integration test worker: the gateway app plus every Durable Object class. */
export {
  RideDurableObject,
  DriverDurableObject,
  DispatchCellDurableObject,
  DispatchDistrictDurableObject,
  RiderDurableObject,
} from "../../workers/gateway/index";
export { RentalDurableObject, RentalVehicleDurableObject, KeyIssuerDurableObject, FleetDurableObject } from "../../workers/gateway/index";
export { OpsFeedDurableObject } from "../../workers/gateway/index";
export { PaymentSimulatorDurableObject } from "../../workers/payment/simulator";
export { CircuitBreakerDurableObject } from "../../workers/payment/breaker-do";
export { PaymentService } from "../../workers/payment/service";
export { default } from "../../workers/gateway/index";
