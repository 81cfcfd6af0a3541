import GRDB
import VFLog

/// Writes a derived graph into the tables of ``GraphSchema``, replacing what was there.
///
/// The whole derived state is rewritten: it is a function of the set of entries, so a partial
/// update would have to know which earlier rows a late entry changed, which is exactly what
/// ``GraphBuilder`` hides. Writing everything keeps the tables equal to a rebuild by construction.
enum GraphTableWriter {
    static func replace(with graph: EconomicGraph, cursors: [FeedID: UInt64], in db: Database) throws {
        for table in GraphSchema.derivedTables + ["cursor"] { try db.execute(sql: "DELETE FROM \(table)") }

        let cursor = try db.cachedStatement(sql: "INSERT INTO cursor (feed, sequence) VALUES (?, ?)")
        for (feed, sequence) in cursors { try cursor.execute(arguments: [feed.description, Int64(sequence)]) }

        let resource = try db.cachedStatement(sql: """
            INSERT INTO resource (id, name, trackingIdentifier, note, conformsTo, unit, accountingQuantity, onhandQuantity,
                                  primaryAccountable, holder, currentLocation, containedIn, stage, state, createdBy)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for r in graph.resources.values {
            try resource.execute(arguments: [
                r.id.description, r.name, r.trackingIdentifier, r.note, r.conformsTo?.description, r.unit,
                r.accountingQuantity.description, r.onhandQuantity.description,
                r.primaryAccountable?.description, r.holder?.description, r.currentLocation, r.containedIn?.description,
                r.stage, r.state, r.createdBy.description,
            ])
        }

        let process = try db.cachedStatement(sql: """
            INSERT INTO process (id, author, name, basedOn, note, hasBeginning, hasEnd) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for p in graph.processes.values {
            try process.execute(arguments: [p.id.description, p.author.description, p.payload.name, p.payload.basedOn,
                                            p.payload.note, p.payload.hasBeginning, p.payload.hasEnd])
        }

        let spec = try db.cachedStatement(sql: """
            INSERT INTO resourceSpecification (id, author, name, defaultUnitOfResource, note) VALUES (?, ?, ?, ?, ?)
            """)
        for s in graph.specifications.values {
            try spec.execute(arguments: [s.id.description, s.author.description, s.payload.name,
                                         s.payload.defaultUnitOfResource, s.payload.note])
        }

        let agent = try db.cachedStatement(sql: """
            INSERT INTO agent (id, answeredBy, describedBy, kind, name, note, primaryLocation) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for a in graph.agents.values {
            try agent.execute(arguments: [a.id.description, a.answeredBy.description, a.describedBy?.description,
                                          a.profile?.kind.rawValue, a.profile?.name, a.profile?.note, a.profile?.primaryLocation])
        }

        let event = try db.cachedStatement(sql: """
            INSERT INTO event (id, author, sequence, action, status, reason, provider, receiver,
                               resourceInventoriedAs, toResourceInventoriedAs, container, resourceConformsTo,
                               inputOf, outputOf, corrects, resourceQuantity, resourceUnit, effortQuantity, effortUnit,
                               position, previousEvent)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for e in graph.events.values {
            let p = e.payload
            try event.execute(arguments: [
                e.id.description, e.provenance.author.description, Int64(e.provenance.sequence), p.action.rawValue,
                e.status.name, e.status.reason, p.provider.description, p.receiver.description,
                e.fromResource?.description, e.toResource?.description, e.container?.description, p.resourceConformsTo?.description,
                p.inputOf?.description, p.outputOf?.description, p.corrects?.description,
                p.resourceQuantity?.value.description, p.resourceQuantity?.unit,
                p.effortQuantity?.value.description, p.effortQuantity?.unit,
                e.position, e.previousEvent?.description,
            ])
        }

        let rejected = try db.cachedStatement(sql: "INSERT INTO rejected (id, status, reason) VALUES (?, ?, ?)")
        for (id, status) in graph.rejected {
            try rejected.execute(arguments: [id.description, status.name, status.reason ?? ""])
        }
    }
}
