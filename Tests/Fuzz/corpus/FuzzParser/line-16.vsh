assert body.message matches /^(\w+\s?)+$/
