from replica.command import main

raise SystemExit(main())
