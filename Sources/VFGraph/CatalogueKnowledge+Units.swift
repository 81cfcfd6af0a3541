import VFLog

extension CatalogueKnowledge {
    /// Never asked: the catalogue checks references only, before the fold. A quantity's unit is
    /// checked against its specification when the event is applied (``EffectApplier``), where
    /// the graph holds every specification a ready event refers to.
    package func defaultUnit(ofSpecification specification: EntryID) -> String? { nil }
}
