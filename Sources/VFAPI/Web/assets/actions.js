// The ValueFlows 1.0 actions, as the published action table defines them (the columns the
// form needs). The form shows a field only when the chosen action takes it.
//   io:       input | output | outputInput | notApplicable  (inputOf / outputOf a process)
//   create:   optional (may create its resourceInventoriedAs) | optionalTo (its toResourceInventoriedAs) | notApplicable
//   quantity: resource | effort | both                       (resourceQuantity / effortQuantity)
//   location: new | update | updateTo | notApplicable         (whether toLocation means anything)
//   accounting / onhand: the effect on the resource's quantities

const row = (label, io, create, quantity, accounting, onhand, location, comment) =>
  ({ label, io, create, quantity, accounting, onhand, location, comment });

export const ACTIONS = {
  produce: row("produce", "output", "optional", "resource", "increment", "increment", "new",
    "New resource was created in that process or an existing stock resource was added to."),
  consume: row("consume", "input", "notApplicable", "resource", "decrement", "decrement", "notApplicable",
    "The consumed ingredient goes into the process; after the process the ingredient is gone."),
  use: row("use", "input", "notApplicable", "both", "notApplicable", "notApplicable", "notApplicable",
    "For example a tool used in a process; after the process, the tool still exists."),
  work: row("work", "input", "notApplicable", "effort", "notApplicable", "notApplicable", "notApplicable",
    "Labour applied to a process."),
  transfer: row("transfer", "notApplicable", "optionalTo", "resource", "decrementIncrement", "decrementIncrement", "updateTo",
    "Give full rights and responsibilities plus physical custody."),
  transferCustody: row("transfer custody", "notApplicable", "optionalTo", "resource", "notApplicable", "decrementIncrement", "updateTo",
    "Give physical custody and control of a resource, without full accounting or ownership rights."),
  move: row("move", "notApplicable", "optionalTo", "resource", "decrementIncrement", "decrementIncrement", "updateTo",
    "Change location, with no change of agent rights or possession."),
  raise: row("raise", "notApplicable", "optional", "resource", "increment", "increment", "notApplicable",
    "Adjusts a quantity up based on a beginning balance or inventory count."),
  lower: row("lower", "notApplicable", "optional", "resource", "decrement", "decrement", "notApplicable",
    "Adjusts a quantity down based on a beginning balance or inventory count."),
  // The rest of VF 1.0.
  accept: row("accept", "input", "notApplicable", "resource", "notApplicable", "decrement", "update",
    "In processes like repair or testing, the same identified resource will appear in the output."),
  modify: row("modify", "output", "notApplicable", "resource", "notApplicable", "increment", "update",
    "In processes like repair or testing, the same identified resource appeared in the input."),
  cite: row("cite", "input", "notApplicable", "resource", "notApplicable", "notApplicable", "notApplicable",
    "For example a design file, neither used nor consumed."),
  combine: row("combine", "input", "notApplicable", "resource", "notApplicable", "decrement", "notApplicable",
    "A resource is combined with other resources into a container resource."),
  separate: row("unpack", "output", "notApplicable", "resource", "notApplicable", "increment", "notApplicable",
    "A resource is removed from a container resource."),
  copy: row("copy", "notApplicable", "optionalTo", "resource", "incrementTo", "incrementTo", "new",
    "Create a new version of the resource, without any change to the original."),
  deliverService: row("deliver service", "outputInput", "notApplicable", "resource", "notApplicable", "notApplicable", "notApplicable",
    "New service produced and delivered."),
  pickup: row("pickup", "input", "notApplicable", "resource", "notApplicable", "decrement", "update",
    "Transported resource or person enters the process."),
  dropoff: row("dropoff", "output", "notApplicable", "resource", "notApplicable", "increment", "update",
    "Transported resource or person leaves the process."),
  transferAllRights: row("transfer all rights", "notApplicable", "optionalTo", "resource", "decrementIncrement", "notApplicable", "notApplicable",
    "Give full rights and responsibilities to another agent, without transferring physical custody."),
};

/// The actions the issue names, offered first.
export const COMMON_ACTIONS = ["produce", "consume", "use", "work", "transfer", "transferCustody", "move", "raise", "lower"];

/// Actions that give something to another agent: the receiver is worth choosing.
export const TO_ANOTHER_AGENT = new Set(["transfer", "transferCustody", "transferAllRights", "deliverService"]);

export const COMMON_UNITS = ["kilogram", "gram", "litre", "each", "hour", "metre"];

/// Which fields an action shows: derived from its row, never listed per action.
export function fieldsFor(name) {
  const a = ACTIONS[name];
  if (!a) return null;
  return {
    inputOf: a.io === "input" || a.io === "outputInput",
    outputOf: a.io === "output" || a.io === "outputInput",
    // Every action except work acts on a resource; the ones that may create it offer "new".
    resource: a.quantity !== "effort",
    resourceMayBeNew: a.create === "optional",
    resourceRequired: a.create !== "optional" && a.quantity === "resource",
    toResource: a.create === "optionalTo",
    resourceQuantity: a.quantity !== "effort",
    effortQuantity: a.quantity !== "resource",
    toLocation: a.location !== "notApplicable",
    locationProminent: name === "move",
    receiverProminent: TO_ANOTHER_AGENT.has(name),
    conformsTo: a.quantity === "effort",
  };
}

/// A one-line account of what the action does to quantities, shown under the picker.
export function effectText(name) {
  const a = ACTIONS[name];
  if (!a) return "";
  const words = {
    increment: "adds to", decrement: "takes from", decrementIncrement: "moves from one resource to another",
    incrementTo: "adds to the new resource", notApplicable: "",
  };
  const parts = [];
  if (a.accounting !== "notApplicable") parts.push(`accounting: ${words[a.accounting]}`);
  if (a.onhand !== "notApplicable") parts.push(`onhand: ${words[a.onhand]}`);
  return `${a.comment}${parts.length ? " (" + parts.join("; ") + ")" : ""}`;
}
