import VFGraph
import VFLog

/// Payloads from the tests (VFGraphTests' fast-path cases and contacts): events, processes,
/// agents, malformed and foreign ones.
enum PayloadExamples {
    static func all(author: FeedID) -> [String] {
        let feed = author.description
        let entry = EntryID(hash: Sodium.blake2b256(Array("e".utf8))).description
        let resource = ResourceID(createdBy: EntryID(hash: Sodium.blake2b256(Array("r".utf8)))).description
        let base = #""@type":"EconomicEvent","provider":"\#(feed)","receiver":"\#(feed)""#
        return [
            #"{\#(base),"action":"consume","resourceInventoriedAs":"\#(resource)","resourceQuantity":{"hasNumericalValue":"1.50","hasUnit":"kg"},"inputOf":"\#(entry)"}"#,
            #"{\#(base),"action":"produce","resourceQuantity":{"hasNumericalValue":1,"hasUnit":"each"},"newInventoriedResource":{"name":"Brot \/ \"loaf\"\t","note":"ok"},"hasPointInTime":"2024-05-01T10:30:00.25+02:00"}"#,
            #" { "@type" : "vf:EconomicEvent" , "action" : "raise" , "provider" : "\#(feed)" , "receiver" : "\#(entry)" , "resourceQuantity" : { "hasNumericalValue" : "0.1" , "hasUnit" : "kg" } , "newInventoriedResource" : { } } "#,
            #"{\#(base),"action":"work","effortQuantity":{"hasNumericalValue":"8","hasUnit":"hour"},"inputOf":"\#(entry)","outputOf":"\#(entry)"}"#,
            #"{\#(base),"action":"transfer","resourceInventoriedAs":"\#(resource)","toResourceInventoriedAs":"\#(resource)","resourceQuantity":{"hasNumericalValue":"2e3","hasUnit":"kg"},"hasBeginning":"2024-02-29T00:00:00Z","hasEnd":"2024-03-01T00:00:00Z"}"#,
            #"{\#(base),"action":"produce","extra":[1,{"a":[true,false,null]},-0.5e-3],"toLocation":"shed","state":"\ud83d\ude00","note":"Br\u00f6t"}"#,
            #"{"@type":"Process","name":"mill","basedOn":"https://example.org/milling","hasBeginning":"2024-05-01T10:30:00Z"}"#,
            #"{"@type":"Process","name":"\\\"\/\b\f\n\r\t","note":"\/","basedOn":"12345678\/9"}"#,
            #"{"@type":"ResourceSpecification","name":"flour","defaultUnitOfResource":"kg"}"#,
            #"{"@type":"Person","@id":"\#(feed)","name":"Me","primaryLocation":"here"}"#,
            #"{"@type":"Organization","name":"Mill co-op","note":"Brötchen über Nacht"}"#,
            #"{"@type":"vf:Contact","contact":"\#(feed)","following":true,"blocking":false}"#,
            #"{"@type":"EconomicEvent","action":"produce","extra":{"a":1,"a":2}}"#,
            #"[1,2,3,{"deep":[[[["x"]]]]}]"#,
            // Planning and exchange (protocol.md §16).
            #"{"@type":"Intent","action":"transfer","receiver":"\#(feed)","resourceConformsTo":"\#(entry)","resourceQuantity":{"hasNumericalValue":"400","hasUnit":"kg"},"availableQuantity":{"hasNumericalValue":"1","hasUnit":"kg"},"due":"2030-01-01T00:00:00Z","finished":false}"#,
            #"{"@type":"vf:Proposal","purpose":"offer","unitBased":true,"publishes":["\#(entry)"],"reciprocal":"\#(entry)"}"#,
            #"{"@type":"Commitment","action":"work","provider":"\#(feed)","receiver":"\#(entry)","effortQuantity":{"hasNumericalValue":"8","hasUnit":"hour"},"satisfies":["\#(entry)","\#(entry)"],"plannedWithin":"\#(entry)"}"#,
            #"{"@type":"Agreement","name":"wheat","stipulates":["\#(entry)"],"stipulatesReciprocal":[]}"#,
            #"{"@type":"Acceptance","accepts":"\#(entry)","note":"agreed"}"#,
            #"{"@type":"Claim","action":"transfer","provider":"\#(feed)","receiver":"\#(feed)","resourceQuantity":{"hasNumericalValue":"35","hasUnit":"EUR"},"triggeredBy":"\#(entry)"}"#,
            #"{\#(base),"action":"transfer","resourceInventoriedAs":"\#(resource)","resourceQuantity":{"hasNumericalValue":"1","hasUnit":"kg"},"fulfills":"\#(entry)","satisfies":["\#(entry)"],"settles":[]}"#,
            #"{"@type":"Withdrawal","withdraws":"\#(entry)","note":"the price has changed"}"#,
        ]
    }
}
