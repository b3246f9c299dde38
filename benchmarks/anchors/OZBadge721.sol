// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// FameEngine benchmark anchor for attendance badges: OpenZeppelin 5.7.0 ERC721 with the least a
// badge contract needs, a mint of sequential token ids from 1 (`_mint`: no receiver callback, no
// access check), so it is the cheapest ERC-721 mint a badge can be held to.

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

contract OZBadge721 is ERC721 {
    uint256 private _lastId;

    constructor() ERC721("FameEngine Attendance", "FAME-POA") {}

    function mint(address to) external returns (uint256 tokenId) {
        tokenId = ++_lastId;
        _mint(to, tokenId);
    }
}
