// Report module: results → view model → figures and Mustache HTML.
