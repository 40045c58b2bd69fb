// Placeholder until the linearization layer lands.
enum LinearizationPlaceholder {}
