// Generated from actions-1.0.0.csv (the 19 ValueFlows 1.0.0 actions and their effects).
// Source: valueflows/valueflows @ 4a28edf, licensed CC BY-SA 4.0. Do not edit by hand;
// regenerate from the CSV. The CSV already agrees with the project's decisions in
// ../shared/README.md: `work` takes effortQuantity only, and pickup/dropoff/accept/modify
// never create a resource.

extension Action {
    /// The behaviour row for every action, as published.
    package static let table: [Action: ActionBehavior] = [
        .accept: ActionBehavior(
            label: "accept", inputOutput: .input, pairsWith: .modify,
            createResource: .notApplicable, eventQuantity: .resource,
            accountingEffect: .notApplicable, onhandEffect: .decrement,
            locationEffect: .update, containedEffect: .notApplicable,
            accountableEffect: .notApplicable, stageEffect: .notApplicable, stateEffect: .update,
            termStatus: "stable"),
        .combine: ActionBehavior(
            label: "combine", inputOutput: .input, pairsWith: nil,
            createResource: .notApplicable, eventQuantity: .resource,
            accountingEffect: .notApplicable, onhandEffect: .decrement,
            locationEffect: .notApplicable, containedEffect: .update,
            accountableEffect: .notApplicable, stageEffect: .notApplicable, stateEffect: .update,
            termStatus: "unstable"),
        .consume: ActionBehavior(
            label: "consume", inputOutput: .input, pairsWith: nil,
            createResource: .notApplicable, eventQuantity: .resource,
            accountingEffect: .decrement, onhandEffect: .decrement,
            locationEffect: .notApplicable, containedEffect: .notApplicable,
            accountableEffect: .notApplicable, stageEffect: .notApplicable, stateEffect: .update,
            termStatus: "stable"),
        .cite: ActionBehavior(
            label: "cite", inputOutput: .input, pairsWith: nil,
            createResource: .notApplicable, eventQuantity: .resource,
            accountingEffect: .notApplicable, onhandEffect: .notApplicable,
            locationEffect: .notApplicable, containedEffect: .notApplicable,
            accountableEffect: .notApplicable, stageEffect: .notApplicable, stateEffect: .update,
            termStatus: "stable"),
        .copy: ActionBehavior(
            label: "copy", inputOutput: .notApplicable, pairsWith: nil,
            createResource: .optionalTo, eventQuantity: .resource,
            accountingEffect: .incrementTo, onhandEffect: .incrementTo,
            locationEffect: .new, containedEffect: .notApplicable,
            accountableEffect: .new, stageEffect: .notApplicable, stateEffect: .updateTo,
            termStatus: "unstable"),
        .deliverService: ActionBehavior(
            label: "deliver service", inputOutput: .outputInput, pairsWith: nil,
            createResource: .notApplicable, eventQuantity: .resource,
            accountingEffect: .notApplicable, onhandEffect: .notApplicable,
            locationEffect: .notApplicable, containedEffect: .notApplicable,
            accountableEffect: .notApplicable, stageEffect: .notApplicable, stateEffect: .notApplicable,
            termStatus: "stable"),
        .dropoff: ActionBehavior(
            label: "dropoff", inputOutput: .output, pairsWith: .pickup,
            createResource: .notApplicable, eventQuantity: .resource,
            accountingEffect: .notApplicable, onhandEffect: .increment,
            locationEffect: .update, containedEffect: .notApplicable,
            accountableEffect: .notApplicable, stageEffect: .update, stateEffect: .update,
            termStatus: "stable"),
        .lower: ActionBehavior(
            label: "lower", inputOutput: .notApplicable, pairsWith: nil,
            createResource: .optional, eventQuantity: .resource,
            accountingEffect: .decrement, onhandEffect: .decrement,
            locationEffect: .notApplicable, containedEffect: .notApplicable,
            accountableEffect: .new, stageEffect: .notApplicable, stateEffect: .update,
            termStatus: "stable"),
        .modify: ActionBehavior(
            label: "modify", inputOutput: .output, pairsWith: .accept,
            createResource: .notApplicable, eventQuantity: .resource,
            accountingEffect: .notApplicable, onhandEffect: .increment,
            locationEffect: .update, containedEffect: .notApplicable,
            accountableEffect: .notApplicable, stageEffect: .update, stateEffect: .update,
            termStatus: "stable"),
        .move: ActionBehavior(
            label: "move", inputOutput: .notApplicable, pairsWith: nil,
            createResource: .optionalTo, eventQuantity: .resource,
            accountingEffect: .decrementIncrement, onhandEffect: .decrementIncrement,
            locationEffect: .updateTo, containedEffect: .notApplicable,
            accountableEffect: .notApplicable, stageEffect: .notApplicable, stateEffect: .updateTo,
            termStatus: "testing"),
        .pickup: ActionBehavior(
            label: "pickup", inputOutput: .input, pairsWith: .dropoff,
            createResource: .notApplicable, eventQuantity: .resource,
            accountingEffect: .notApplicable, onhandEffect: .decrement,
            locationEffect: .update, containedEffect: .notApplicable,
            accountableEffect: .notApplicable, stageEffect: .notApplicable, stateEffect: .update,
            termStatus: "stable"),
        .produce: ActionBehavior(
            label: "produce", inputOutput: .output, pairsWith: nil,
            createResource: .optional, eventQuantity: .resource,
            accountingEffect: .increment, onhandEffect: .increment,
            locationEffect: .new, containedEffect: .notApplicable,
            accountableEffect: .new, stageEffect: .update, stateEffect: .update,
            termStatus: "stable"),
        .raise: ActionBehavior(
            label: "raise", inputOutput: .notApplicable, pairsWith: nil,
            createResource: .optional, eventQuantity: .resource,
            accountingEffect: .increment, onhandEffect: .increment,
            locationEffect: .notApplicable, containedEffect: .notApplicable,
            accountableEffect: .new, stageEffect: .notApplicable, stateEffect: .update,
            termStatus: "stable"),
        .separate: ActionBehavior(
            label: "unpack", inputOutput: .output, pairsWith: nil,
            createResource: .notApplicable, eventQuantity: .resource,
            accountingEffect: .notApplicable, onhandEffect: .increment,
            locationEffect: .notApplicable, containedEffect: .remove,
            accountableEffect: .notApplicable, stageEffect: .update, stateEffect: .update,
            termStatus: "testing"),
        .transferAllRights: ActionBehavior(
            label: "transfer all rights", inputOutput: .notApplicable, pairsWith: nil,
            createResource: .optionalTo, eventQuantity: .resource,
            accountingEffect: .decrementIncrement, onhandEffect: .notApplicable,
            locationEffect: .notApplicable, containedEffect: .notApplicable,
            accountableEffect: .updateTo, stageEffect: .notApplicable, stateEffect: .updateTo,
            termStatus: "testing"),
        .transfer: ActionBehavior(
            label: "transfer", inputOutput: .notApplicable, pairsWith: nil,
            createResource: .optionalTo, eventQuantity: .resource,
            accountingEffect: .decrementIncrement, onhandEffect: .decrementIncrement,
            locationEffect: .updateTo, containedEffect: .notApplicable,
            accountableEffect: .updateTo, stageEffect: .notApplicable, stateEffect: .updateTo,
            termStatus: "stable"),
        .transferCustody: ActionBehavior(
            label: "transfer custody", inputOutput: .notApplicable, pairsWith: nil,
            createResource: .optionalTo, eventQuantity: .resource,
            accountingEffect: .notApplicable, onhandEffect: .decrementIncrement,
            locationEffect: .updateTo, containedEffect: .notApplicable,
            accountableEffect: .notApplicable, stageEffect: .notApplicable, stateEffect: .updateTo,
            termStatus: "testing"),
        .use: ActionBehavior(
            label: "use", inputOutput: .input, pairsWith: nil,
            createResource: .notApplicable, eventQuantity: .both,
            accountingEffect: .notApplicable, onhandEffect: .notApplicable,
            locationEffect: .notApplicable, containedEffect: .notApplicable,
            accountableEffect: .notApplicable, stageEffect: .notApplicable, stateEffect: .update,
            termStatus: "stable"),
        .work: ActionBehavior(
            label: "work", inputOutput: .input, pairsWith: nil,
            createResource: .notApplicable, eventQuantity: .effort,
            accountingEffect: .notApplicable, onhandEffect: .notApplicable,
            locationEffect: .notApplicable, containedEffect: .notApplicable,
            accountableEffect: .notApplicable, stageEffect: .notApplicable, stateEffect: .notApplicable,
            termStatus: "stable"),
    ]
}
